using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta2: transport connection open, awaiting A-ASSOCIATE-RQ (acceptor, ARTIM running).</summary>
public sealed class Sta2Tests
{
    [Fact(Timeout = 20000)]
    public async Task AssociateRq_IsAccepted_AE6_AE7()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq());
        var ac = await peer.ExpectAsync(0x02);
        Assert.Equal((byte)'A', ac[4]); // echo of the called AE title
        await peer.SendAsync(RawPdu.ReleaseRq());
        await peer.ExpectAsync(0x06);
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x02)] // A-ASSOCIATE-AC (Evt3)
    [InlineData(0x03)] // A-ASSOCIATE-RJ (Evt4)
    [InlineData(0x04)] // P-DATA-TF (Evt10)
    [InlineData(0x05)] // A-RELEASE-RQ (Evt12)
    [InlineData(0x06)] // A-RELEASE-RP (Evt13)
    public async Task UnexpectedPdu_SendsAbort_AA1_ThenArtimCloses(byte type)
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        var pdu = type switch
        {
            0x02 => RawPdu.AssociateAc("A", "B", 16384, (1, 0, RawPdu.ImplicitLe)),
            0x03 => RawPdu.AssociateRj(1, 1, 1),
            0x04 => RawPdu.PData(1, true, true, [1, 2, 3, 4]),
            0x05 => RawPdu.ReleaseRq(),
            _ => RawPdu.ReleaseRp(),
        };
        await peer.SendAsync(pdu);
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync(), "ARTIM should close the transport (Sta13 AA-2)");
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task UnrecognizedPduType_SendsAbort_AA1()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.Pdu(0x09, [0, 0, 0, 0]));
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task OversizedAssociateRq_IsRejectedFromItsHeader_AA1()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);

        // Only the header is sent: a 2 GiB length must be refused without waiting for (or allocating) the body.
        await peer.SendAsync([0x01, 0, 0x7F, 0xFF, 0xFF, 0xF0]);
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task TruncatedItemInsideRq_SendsAbort_AA1()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        var rq = RawPdu.AssociateRq();
        rq[6 + 68 + 2] = 0x7F; // application context item claims far more bytes than the PDU holds
        await peer.SendAsync(rq);
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_ClosesTransport_AA2()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.Abort());
        Assert.True(await peer.WaitClosedAsync(TimeSpan.FromSeconds(2)));
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task NoRequest_ArtimExpiry_ClosesTransport_AA2()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromMilliseconds(300)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        var closed = await peer.ReadPduAsync(TimeSpan.FromSeconds(5));
        Assert.Null(closed);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PeerCloses_AA5_ReleasesSlot()
    {
        await using var server = TestServer.Start();
        var peer = await RawPeer.ConnectAsync(server.Port);
        await Wait.UntilAsync(() => server.Server.OpenConnectionCount == 1, "connection not seen");
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task UnsupportedProtocolVersion_IsRejectedByAcse_AE6()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq(version: 2));
        var rj = await peer.ExpectAsync(0x03);
        Assert.Equal(new byte[] { 1, 2, 2 }, rj[1..4]); // permanent, service-provider (ACSE), protocol version not supported
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }
}
