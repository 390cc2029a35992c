using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta5: requestor awaiting A-ASSOCIATE-AC or -RJ.</summary>
public sealed class Sta5Tests
{
    [Fact(Timeout = 20000)]
    public async Task RequestBytes_AreWellFormed_AE2()
    {
        using var acceptor = new RawAcceptor();
        var connect = Association.ConnectAsync("127.0.0.1", acceptor.Port, RawAcceptor.EchoRequest(), new TestHandler(), TestServer.FastOptions());
        using var peer = await acceptor.AcceptAsync();
        var rq = await peer.ExpectAsync(0x01);
        Assert.Equal(new byte[] { 0, 1 }, rq[0..2]);
        Assert.Equal(RawPdu.Ae("RAW-SCP"), rq[4..20]);
        Assert.Equal(RawPdu.Ae("OUR-SCU"), rq[20..36]);
        Assert.Equal(0x10, rq[68]);
        await peer.SendAsync(RawPdu.AssociateRj(2, 3, 1));
        await Assert.ThrowsAsync<AssociationRejectedException>(() => connect);
    }

    [Fact(Timeout = 20000)]
    public async Task AssociateAc_AE3_Establishes()
    {
        using var acceptor = new RawAcceptor();
        var (association, peer) = await acceptor.EstablishAsync(new TestHandler());
        using (peer)
        {
            Assert.Equal(16384u, association.PeerMaxPduLength);
            Assert.Equal(new AcceptedPresentationContext(1, RawPdu.Verification, RawPdu.ImplicitLe), association.FindAcceptedContext(RawPdu.Verification));
            await association.AbortAsync();
            await peer.ExpectAbortAsync(source: 0);
        }

        Assert.Equal(AssociationEndReason.LocalAbort, await association.Completion.WaitAsync(RawPeer.DefaultWait));
    }

    [Fact(Timeout = 20000)]
    public async Task AssociateRj_AE4_ThrowsWithSourceAndReason()
    {
        using var acceptor = new RawAcceptor();
        var (connect, peer) = await acceptor.StartAsync(new TestHandler());
        using (peer)
        {
            await peer.SendAsync(RawPdu.AssociateRj(1, 1, 7));
            var ex = await Assert.ThrowsAsync<AssociationRejectedException>(() => connect);
            Assert.Equal(AssociateRejectResult.Permanent, ex.Reject.Result);
            Assert.Equal(AssociateRejectSource.ServiceUser, ex.Reject.Source);
            Assert.Equal(AssociateRejectReasons.CalledAeTitleNotRecognized, ex.Reject.Reason);
            Assert.True(await peer.WaitClosedAsync());
        }
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x01)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    [InlineData(0x06)]
    public async Task UnexpectedPdu_AA8_SendsProviderAbort(byte type)
    {
        using var acceptor = new RawAcceptor();
        var (connect, peer) = await acceptor.StartAsync(new TestHandler(), TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using (peer)
        {
            await peer.SendAsync(type switch
            {
                0x01 => RawPdu.AssociateRq(),
                0x04 => RawPdu.PData(1, true, true, [1, 2]),
                0x05 => RawPdu.ReleaseRq(),
                _ => RawPdu.ReleaseRp(),
            });
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            var ex = await Assert.ThrowsAsync<AssociationAbortedException>(() => connect);
            Assert.Equal(AssociationEndReason.ProviderAbort, ex.EndReason);
        }
    }

    [Fact(Timeout = 20000)]
    public async Task UnrecognizedPdu_AA8_AbortReasonUnrecognized()
    {
        using var acceptor = new RawAcceptor();
        var (connect, peer) = await acceptor.StartAsync(new TestHandler(), TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using (peer)
        {
            await peer.SendAsync(RawPdu.Pdu(0x0F, [0, 0, 0, 0]));
            await peer.ExpectAbortAsync(source: 2, reason: 1);
            await Assert.ThrowsAsync<AssociationAbortedException>(() => connect);
        }
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_AA3()
    {
        using var acceptor = new RawAcceptor();
        var (connect, peer) = await acceptor.StartAsync(new TestHandler());
        using (peer)
        {
            await peer.SendAsync(RawPdu.Abort(2, 0));
            var ex = await Assert.ThrowsAsync<AssociationAbortedException>(() => connect);
            Assert.Equal(AssociationEndReason.PeerAbort, ex.EndReason);
            Assert.Equal(AbortSource.ServiceProvider, ex.Abort!.Source);
        }
    }

    [Fact(Timeout = 20000)]
    public async Task PeerCloses_AA4()
    {
        using var acceptor = new RawAcceptor();
        var (connect, peer) = await acceptor.StartAsync(new TestHandler());
        peer.Dispose();
        var ex = await Assert.ThrowsAsync<AssociationAbortedException>(() => connect);
        Assert.Equal(AssociationEndReason.ProviderAbort, ex.EndReason);
    }

    [Fact(Timeout = 20000)]
    public async Task NoAnswer_AcseTimeout_AbortsAndThrows()
    {
        using var acceptor = new RawAcceptor();
        var options = TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)) with { AcseTimeout = TimeSpan.FromSeconds(1) };
        var (connect, peer) = await acceptor.StartAsync(new TestHandler(), options);
        using (peer)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => connect);
            await peer.ExpectAbortAsync(source: 0);
        }
    }
}
