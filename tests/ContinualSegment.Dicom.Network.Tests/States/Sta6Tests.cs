using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta6: association established (acceptor side driven by a raw peer).</summary>
public sealed class Sta6Tests
{
    [Fact(Timeout = 20000)]
    public async Task FragmentedEchoRequest_IsReassembledAndAnswered_DT2_DT1()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        var command = EchoCommand.Request(7);
        await peer.SendAsync(RawPdu.PData(1, true, false, command[..10]));
        await peer.SendAsync(RawPdu.PData(1, true, true, command[10..]));
        var body = await peer.ExpectAsync(0x04);
        Assert.Equal(1, body[4]);
        Assert.Equal(3, body[5]); // command, last fragment
        var rsp = EchoCommand.Parse(body.AsSpan(6));
        Assert.Equal(EchoCommand.EchoRsp, EchoCommand.ReadU16(rsp, 0x0100));
        Assert.Equal(7, EchoCommand.ReadU16(rsp, 0x0120));
        Assert.Equal(0, EchoCommand.ReadU16(rsp, 0x0900));
        Assert.Equal(1, server.Handler.EchoCount);
        await peer.SendAsync(RawPdu.ReleaseRq());
        await peer.ExpectAsync(0x06);
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x01)] // A-ASSOCIATE-RQ (Evt6)
    [InlineData(0x02)] // A-ASSOCIATE-AC (Evt3)
    [InlineData(0x03)] // A-ASSOCIATE-RJ (Evt4)
    [InlineData(0x06)] // A-RELEASE-RP (Evt13)
    public async Task OutOfOrderPdu_SendsProviderAbort_AA8(byte type)
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(type switch
        {
            0x01 => RawPdu.AssociateRq(),
            0x02 => RawPdu.AssociateAc("A", "B", 16384, (1, 0, RawPdu.ImplicitLe)),
            0x03 => RawPdu.AssociateRj(1, 1, 1),
            _ => RawPdu.ReleaseRp(),
        });
        await peer.ExpectAbortAsync(source: 2, reason: 2);
        Assert.True(await peer.WaitClosedAsync());
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PdvOverrunningItsPdu_SendsProviderAbort_InvalidParameter()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        var pdata = RawPdu.PData(1, true, true, [1, 2, 3, 4]);
        pdata[9] = 0x40; // PDV item length larger than the PDU
        await peer.SendAsync(pdata);
        await peer.ExpectAbortAsync(source: 2, reason: 6);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PdvOnAContextThatWasNotAccepted_SendsProviderAbort()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.PData(5, true, true, EchoCommand.Request(1)));
        await peer.ExpectAbortAsync(source: 2, reason: 6);
        Assert.True(await peer.WaitClosedAsync());
        Assert.Equal(0, server.Handler.EchoCount);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task OversizedPData_IsRefusedFromItsHeader()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();

        // One byte more than we advertised; only the header is sent.
        var length = new PduLimits().MaxPDataLength + 1;
        await peer.SendAsync([0x04, 0, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        await peer.ExpectAbortAsync(source: 2, reason: 6);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_ClosesTransport_AA3()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.Abort(source: 0, reason: 0));
        Assert.True(await peer.WaitClosedAsync(TimeSpan.FromSeconds(2)));
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationEndReason.PeerAbort, await association.Completion);
        Assert.Equal(AbortSource.ServiceUser, association.ReceivedAbort!.Source);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PeerCloses_AA4_ReleasesSlot()
    {
        await using var server = TestServer.Start();
        var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        Assert.Equal(1, server.Server.ActiveAssociationCount);
        peer.Dispose();
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task IdleTimeout_AbortsAssociation()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1), idle: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task ReleaseRq_IsAnswered_AR2_AR4_ThenPeerClose_AR5()
    {
        await using var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.ReleaseRq());
        await peer.ExpectAsync(0x06);
        var association = await server.FirstAssociationAsync();
        Assert.True(server.Handler.ReleaseEntered.Task.IsCompleted);
        await Wait.UntilAsync(() => association.State == AssociationState.Sta13, "not in Sta13 after A-RELEASE-RP");
        peer.Dispose();
        Assert.Equal(AssociationEndReason.Released, await association.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        await server.AssertNoLeakAsync();
    }
}
