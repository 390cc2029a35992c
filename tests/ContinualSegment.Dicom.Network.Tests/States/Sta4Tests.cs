using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta4: requestor awaiting transport connection opening.</summary>
public sealed class Sta4Tests
{
    [Fact(Timeout = 20000)]
    public async Task ConnectionRefused_AA4_Throws()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await Assert.ThrowsAsync<SocketException>(() => Association.ConnectAsync("127.0.0.1", port, RawAcceptor.EchoRequest(), new TestHandler(), TestServer.FastOptions()));
    }

    [Fact(Timeout = 20000)]
    public async Task CancelledWhileConnecting_AA2_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Association.ConnectAsync("127.0.0.1", 9, RawAcceptor.EchoRequest(), new TestHandler(), TestServer.FastOptions(), cts.Token));
    }

    [Fact(Timeout = 30000)]
    public async Task NoAnswerToTheConnect_TimesOutAsTimeoutException_NotAsCancellation()
    {
        // A peer whose SYNs go unanswered (a firewall that drops them, a host that is down): a listener whose accept
        // queue is full drops further SYNs, so the connect hangs until the ACSE timeout. That is a network failure for
        // the caller to retry, and must not look like the caller's own cancellation.
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            // Fill the accept queue (never accepted) until a connect no longer completes at once.
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await filler.ConnectAsync(IPAddress.Loopback, port, quick.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var options = TestServer.FastOptions() with { AcseTimeout = TimeSpan.FromSeconds(1) };
            var ex = await Assert.ThrowsAsync<TimeoutException>(() => Association.ConnectAsync("127.0.0.1", port, RawAcceptor.EchoRequest(), new TestHandler(), options));
            Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(static f => f.Dispose());
        }
    }
}
