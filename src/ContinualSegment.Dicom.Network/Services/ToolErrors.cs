using System.Net.Sockets;
using System.Security.Authentication;

namespace ContinualSegment.Dicom.Network;

/// <summary>Which exceptions the tools report as a failed run rather than a crash.</summary>
internal static class ToolErrors
{
    public static bool IsNetworkFailure(Exception ex) =>
        ex is SocketException or IOException or TimeoutException or AssociationRejectedException or AssociationAbortedException
            or DimseProtocolException or DimseStatusException or InvalidOperationException or DicomException
            or AuthenticationException or DicomTlsConfigurationException;
}
