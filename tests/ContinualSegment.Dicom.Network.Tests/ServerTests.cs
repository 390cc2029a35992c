using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

public sealed class ServerTests
{
    [Fact(Timeout = 20000)]
    public async Task Port0_BindsAFreePort()
    {
        await using var server = TestServer.Start();
        Assert.InRange(server.Port, 1, 65535);
        Assert.Equal(0, server.Server.ActiveAssociationCount);
    }

    [Fact(Timeout = 20000)]
    public async Task OverTheLimit_IsRejectedTransientLocalLimitExceeded_AndNoSlotLeaks()
    {
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<ConnectionRefusal>();
        await using var server = TestServer.Start(maxAssociations: 1, refused: refusals.Enqueue);
        using var first = await RawPeer.ConnectAsync(server.Port);
        await first.AssociateAsync();
        Assert.Equal(1, server.Server.ActiveAssociationCount);

        using (var second = await RawPeer.ConnectAsync(server.Port))
        {
            await second.SendAsync(RawPdu.AssociateRq());
            var rj = await second.ExpectAsync(0x03);
            Assert.Equal(new byte[] { 2, 3, 2 }, rj[1..4]); // transient, service-provider (presentation), local limit exceeded
        }

        var refusal = Assert.Single(refusals);
        Assert.Equal(System.Net.IPAddress.Loopback, refusal.RemoteEndPoint?.Address);
        Assert.Equal("the limit of 1 associations is reached: its request is rejected (transient) by the service-provider (presentation): local limit exceeded", refusal.Reason);

        await Wait.UntilAsync(() => server.Server.OpenConnectionCount == 1, "rejected connection not cleaned up");
        Assert.Equal(1, server.Server.ActiveAssociationCount);
        await first.SendAsync(RawPdu.ReleaseRq());
        await first.ExpectAsync(0x06);
        first.Dispose();
        await server.AssertNoLeakAsync();

        using var third = await RawPeer.ConnectAsync(server.Port);
        await third.AssociateAsync();
        Assert.Equal(1, server.Server.ActiveAssociationCount);
    }

    [Fact(Timeout = 30000)]
    public async Task ManyConcurrentAssociations_AllEchoAndRelease()
    {
        await using var server = TestServer.Start(maxAssociations: 16);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var peer = await RawPeer.ConnectAsync(server.Port);
            await peer.AssociateAsync();
            await peer.SendAsync(RawPdu.PData(1, true, true, EchoCommand.Request((ushort)i)));
            var rsp = EchoCommand.Parse((await peer.ExpectAsync(0x04)).AsSpan(6));
            Assert.Equal(i, EchoCommand.ReadU16(rsp, 0x0120));
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.ExpectAsync(0x06);
        }));
        Assert.Equal(12, server.Handler.EchoCount);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task Stop_LetsInFlightAssociationsFinishWithinTheGracePeriod()
    {
        var server = TestServer.Start();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        var stop = server.Server.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawPeer.ConnectAsync(server.Port));
        await peer.SendAsync(RawPdu.PData(1, true, true, EchoCommand.Request(1)));
        await peer.ExpectAsync(0x04);
        await peer.SendAsync(RawPdu.ReleaseRq());
        await peer.ExpectAsync(0x06);
        peer.Dispose();
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(AssociationEndReason.Released, await (await server.FirstAssociationAsync()).Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task Stop_AbortsAssociationsStillOpenAfterTheGracePeriod()
    {
        var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromMilliseconds(500)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        using var idle = await RawPeer.ConnectAsync(server.Port); // still in Sta2
        await Wait.UntilAsync(() => server.Server.OpenConnectionCount == 2, "second connection not seen");
        var stop = server.Server.StopAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        Assert.True(await idle.WaitClosedAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(AssociationEndReason.LocalAbort, await (await server.FirstAssociationAsync()).Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task ThrowingPolicy_RejectsPermanent()
    {
        await using var server = TestServer.Start(new ThrowingAcceptor());
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq());
        var rj = await peer.ExpectAsync(0x03);
        Assert.Equal(new byte[] { 1, 1, 1 }, rj[1..4]);
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task ThrowingHandler_AbortsTheAssociation()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.PData(1, true, true, [1, 2, 3])); // not a parsable command: the test handler throws
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task MessageOverTheReassemblyLimit_IsAborted()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)) with { MaxMessageLength = 2048 });
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.SendAsync(RawPdu.PData(1, false, false, new byte[1500]));
        await peer.SendAsync(RawPdu.PData(1, false, true, new byte[1500]));
        await peer.ExpectAbortAsync(source: 2);
        Assert.True(await peer.WaitClosedAsync());
        Assert.Empty(server.Handler.Messages);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AssociationTimeout_AbortsALongAssociation()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions() with { AssociationTimeout = TimeSpan.FromMilliseconds(1500) });
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.AssociateAsync();
        await peer.ExpectAbortAsync(source: 0);
        Assert.True(await peer.WaitClosedAsync());
        Assert.Equal(AssociationEndReason.LocalAbort, await (await server.FirstAssociationAsync()).Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task BeyondLimitAndRejectionQueue_ConnectionIsClosedAtOnce()
    {
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<ConnectionRefusal>();
        var options = new UpperLayerServerOptions
        {
            BindAddress = System.Net.IPAddress.Loopback,
            MaxAssociations = 1,
            MaxPendingRejections = 0,
            Association = TestServer.FastOptions() with { Observer = new RecordingObserver(refusals.Enqueue) },
        };
        await using var server = new UpperLayerServer(options, new AssociationNegotiator(TestServer.DefaultPolicy), new TestHandler());
        server.Start();
        using var first = await RawPeer.ConnectAsync(server.Port);
        await first.AssociateAsync();
        using var second = await RawPeer.ConnectAsync(server.Port);
        Assert.True(await second.WaitClosedAsync());
        Assert.Equal(1, server.ActiveAssociationCount);
        Assert.EndsWith("0 more are already being rejected: connection closed", Assert.Single(refusals).Reason, StringComparison.Ordinal);
        first.Dispose();
        await Wait.UntilAsync(() => server.ActiveAssociationCount == 0 && server.OpenConnectionCount == 0, "slot leaked");
    }

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpperLayerServer(new UpperLayerServerOptions { MaxAssociations = 0 }, new ThrowingAcceptor(), new TestHandler()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpperLayerServer(new UpperLayerServerOptions { Association = new UpperLayerOptions { ArtimTimeout = TimeSpan.Zero } }, new ThrowingAcceptor(), new TestHandler()));
    }

    private sealed class ThrowingAcceptor : IAssociationAcceptor
    {
        public ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy failure");
    }
}
