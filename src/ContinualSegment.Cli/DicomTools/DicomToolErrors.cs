using System.Net.Sockets;
using System.Security.Authentication;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>Which exceptions the network tools report as a failed run (one line, exit code 1) rather than a crash.</summary>
internal static class DicomToolErrors
{
    public static bool IsNetworkFailure(Exception ex) =>
        ex is SocketException or IOException or TimeoutException or AssociationRejectedException or AssociationAbortedException
            or DimseProtocolException or DimseStatusException or InvalidOperationException or DicomException
            or AuthenticationException or DicomTlsConfigurationException;
}
