using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta7: requestor sent A-RELEASE-RQ, awaiting A-RELEASE-RP.</summary>
public sealed class Sta7Tests
{
    internal static async Task<(Association Association, RawPeer Peer, Task Release, TestHandler Handler)> EnterAsync()
    {
        var handler = new TestHandler();
        var acceptor = new RawAcceptor();
        var (association, peer) = await acceptor.EstablishAsync(handler, TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        acceptor.Dispose();
        var release = association.ReleaseAsync(CancellationToken.None);
        await peer.ExpectAsync(0x05);
        await Wait.UntilAsync(() => association.State == AssociationState.Sta7, "not in Sta7");
        return (association, peer, release, handler);
    }

    [Fact(Timeout = 20000)]
    public async Task PData_IsStillDelivered_AR6_ThenReleaseRp_AR3()
    {
        var (association, peer, release, handler) = await EnterAsync();
        using (peer)
        {
            await peer.SendAsync(RawPdu.PData(1, false, true, [9, 8, 7]));
            await Wait.UntilAsync(() => !handler.Messages.IsEmpty, "P-DATA not delivered in Sta7");
            Assert.Equal(AssociationState.Sta7, association.State);
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release.WaitAsync(RawPeer.DefaultWait);
            Assert.True(await peer.WaitClosedAsync());
        }

        Assert.True(handler.Messages.TryDequeue(out var message));
        Assert.Equal(new byte[] { 9, 8, 7 }, message.Bytes.ToArray());
        Assert.Equal(AssociationEndReason.Released, await association.Completion);
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x03)]
    public async Task UnexpectedPdu_AA8(byte type)
    {
        var (association, peer, release, _) = await EnterAsync();
        using (peer)
        {
            await peer.SendAsync(type switch
            {
                0x01 => RawPdu.AssociateRq(),
                0x02 => RawPdu.AssociateAc("A", "B", 0, (1, 0, RawPdu.ImplicitLe)),
                _ => RawPdu.AssociateRj(1, 1, 1),
            });
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            await Assert.ThrowsAsync<AssociationAbortedException>(() => release);
        }

        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion.WaitAsync(RawPeer.DefaultWait));
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_AA3_FailsRelease()
    {
        var (association, peer, release, _) = await EnterAsync();
        using (peer)
        {
            await peer.SendAsync(RawPdu.Abort());
            await Assert.ThrowsAsync<AssociationAbortedException>(() => release);
        }

        Assert.Equal(AssociationEndReason.PeerAbort, await association.Completion);
    }
}
