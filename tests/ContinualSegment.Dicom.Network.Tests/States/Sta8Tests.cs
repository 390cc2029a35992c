using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta8: acceptor received A-RELEASE-RQ and awaits its local release response (handler still busy).</summary>
public sealed class Sta8Tests
{
    private static async Task<(TestServer Server, RawPeer Peer, Association Association)> EnterAsync()
    {
        var handler = new TestHandler { ReleaseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)), handler: handler);
        var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.ReleaseRq());
        await handler.ReleaseEntered.Task.WaitAsync(RawPeer.DefaultWait);
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationState.Sta8, association.State);
        return (server, peer, association);
    }

    [Fact(Timeout = 20000)]
    public async Task LocalPData_IsSent_AR7_ThenReleaseResponse_AR4()
    {
        var (server, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            await association.SendMessageAsync(1, EchoCommand.Request(3), null, CancellationToken.None);
            Assert.Equal(AssociationState.Sta8, association.State);
            var pdata = await peer.ExpectAsync(0x04);
            Assert.Equal(3, pdata[5]);
            server.Handler.ReleaseGate!.SetResult();
            await peer.ExpectAsync(0x06);
        }

        Assert.Equal(AssociationEndReason.Released, await association.Completion.WaitAsync(RawPeer.DefaultWait));
        await server.AssertNoLeakAsync();
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    [InlineData(0x06)]
    public async Task PeerPdu_SendsProviderAbort_AA8(byte type)
    {
        var (server, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(type switch
            {
                0x04 => RawPdu.PData(1, true, true, EchoCommand.Request(1)),
                0x05 => RawPdu.ReleaseRq(),
                _ => RawPdu.ReleaseRp(),
            });
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            Assert.True(await peer.WaitClosedAsync());
        }

        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion);
        await server.AssertNoLeakAsync();
    }
}
