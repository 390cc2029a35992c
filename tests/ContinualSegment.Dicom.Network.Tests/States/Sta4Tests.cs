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
}
