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
}
