using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta13: awaiting transport close after A-ASSOCIATE-RJ / A-RELEASE-RP / A-ABORT was sent (ARTIM running).</summary>
public sealed class Sta13Tests
{
    private static async Task<(TestServer Server, RawPeer Peer, Association Association)> RejectedAsync(TimeSpan artim)
    {
        var server = TestServer.Start(options: TestServer.FastOptions(artim: artim));
        var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq(called: "NOT-US"));
        var rj = await peer.ExpectAsync(0x03);
        Assert.Equal(new byte[] { 1, 1, 7 }, rj[1..4]);
        var association = await server.FirstAssociationAsync();
        await Wait.UntilAsync(() => association.State == AssociationState.Sta13, "not in Sta13 after A-ASSOCIATE-RJ");
        return (server, peer, association);
    }

    [Fact(Timeout = 20000)]
    public async Task PDataAndReleasePdus_AreIgnored_AA6()
    {
        var (server, peer, association) = await RejectedAsync(TimeSpan.FromSeconds(2));
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.PData(1, true, true, [1, 2]));
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.SendAsync(RawPdu.ReleaseRp());
            await peer.SendAsync(RawPdu.AssociateAc("A", "B", 0, (1, 0, RawPdu.ImplicitLe)));
            await peer.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
            Assert.Equal(AssociationState.Sta13, association.State);
        }

        Assert.Equal(AssociationEndReason.Rejected, await association.Completion.WaitAsync(RawPeer.DefaultWait));
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AssociateRq_SendsAbort_AA7()
    {
        var (server, peer, association) = await RejectedAsync(TimeSpan.FromSeconds(2));
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.AssociateRq());
            await peer.ExpectAbortAsync(source: 2);
            Assert.Equal(AssociationState.Sta13, association.State);
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task InvalidPdu_SendsAbort_AA7()
    {
        var (server, peer, _) = await RejectedAsync(TimeSpan.FromSeconds(1));
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.Pdu(0x0A, [1, 2, 3, 4]));
            await peer.ExpectAbortAsync(source: 2, reason: 1);
            Assert.True(await peer.WaitClosedAsync());
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task ArtimExpiry_ClosesTransport_AA2()
    {
        var (server, peer, association) = await RejectedAsync(TimeSpan.FromSeconds(1));
        await using (server)
        using (peer)
        {
            Assert.Null(await peer.ReadPduAsync());
        }

        Assert.Equal(AssociationEndReason.Rejected, await association.Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_ClosesTransport_AA2()
    {
        var (server, peer, association) = await RejectedAsync(TimeSpan.FromSeconds(5));
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.Abort());
            Assert.True(await peer.WaitClosedAsync(TimeSpan.FromSeconds(2)));
        }

        await Wait.UntilAsync(() => association.State == AssociationState.Sta1, "not back in Sta1");
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PeerClose_AR5()
    {
        var (server, peer, association) = await RejectedAsync(TimeSpan.FromSeconds(5));
        await using (server)
        {
            peer.Dispose();
            Assert.Equal(AssociationEndReason.Rejected, await association.Completion.WaitAsync(TimeSpan.FromSeconds(2)));
        }

        await server.AssertNoLeakAsync();
    }
}
