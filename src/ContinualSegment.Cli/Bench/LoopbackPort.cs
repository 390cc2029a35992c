using System.Net;
using System.Net.Sockets;

namespace ContinualSegment.Cli.Bench;

/// <summary>Free TCP ports on the loopback interface for the peers a benchmark starts.</summary>
internal static class LoopbackPort
{
    /// <summary>A port nothing listens on now (the system's choice for port 0).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Returns once something accepts connections on the loopback <paramref name="port"/> (a peer just started); gives up after about 5 s.</summary>
    public static async Task WaitForListenerAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"nothing listened on port {port}");
    }
}
