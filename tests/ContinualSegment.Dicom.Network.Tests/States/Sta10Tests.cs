using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>
/// Sta10 and Sta12: release collision on the acceptor side. The acceptor requests release (AR-1, Sta7), the
/// peer's A-RELEASE-RQ crosses it (AR-8, Sta10), the peer's A-RELEASE-RP arrives (AR-10, Sta12), and the
/// acceptor finally answers (AR-4, Sta13).
/// </summary>
public sealed class Sta10Tests
{
    internal static async Task<(TestServer Server, RawPeer Peer, Association Association, Task Release)> EnterSta10Async()
    {
        var handler = new TestHandler { ReleaseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)), handler: handler);
        var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        var association = await server.FirstAssociationAsync();
        var release = association.ReleaseAsync(CancellationToken.None);
        await peer.ExpectAsync(0x05);
        await Wait.UntilAsync(() => association.State == AssociationState.Sta7, "not in Sta7 after A-RELEASE-RQ");
        await peer.SendAsync(RawPdu.ReleaseRq());
        await handler.ReleaseEntered.Task.WaitAsync(RawPeer.DefaultWait);
        Assert.Equal(AssociationState.Sta10, association.State);
        return (server, peer, association, release);
    }

    [Fact(Timeout = 20000)]
    public async Task CollisionCompletes_AR10_AR4()
    {
        var (server, peer, association, release) = await EnterSta10Async();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release.WaitAsync(RawPeer.DefaultWait); // A-RELEASE confirmation (AR-10)
            server.Handler.ReleaseGate!.SetResult();
            await peer.ExpectAsync(0x06);
        }

        Assert.Equal(AssociationEndReason.Released, await association.Completion.WaitAsync(RawPeer.DefaultWait));
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PData_SendsProviderAbort_AA8()
    {
        var (server, peer, association, release) = await EnterSta10Async();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.PData(1, true, true, [1, 2]));
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            await Assert.ThrowsAsync<AssociationAbortedException>(() => release);
            Assert.True(await peer.WaitClosedAsync());
        }

        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion);
        await server.AssertNoLeakAsync();
    }
}
