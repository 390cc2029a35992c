using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>TLS material (certificate, private key, trusted CA file, store entry) that cannot be used.</summary>
public sealed class DicomTlsConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DicomTlsConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DicomTlsConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DicomTlsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
