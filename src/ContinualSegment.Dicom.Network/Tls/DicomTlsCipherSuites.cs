using System.Net.Security;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>
/// The cipher suites each profile allows. TLS 1.2 suites are the AEAD suites with forward secrecy that BCP 195
/// recommends; the extended profile keeps only the ECDHE ones. TLS 1.3 suites are listed too so TLS 1.3 stays
/// available when a cipher suite policy is applied.
/// </summary>
public static class DicomTlsCipherSuites
{
    private static readonly TlsCipherSuite[] Tls13 =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
    ];

    private static readonly TlsCipherSuite[] Bcp195 =
    [
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
    ];

    private static readonly TlsCipherSuite[] Extended =
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ];

    /// <summary>The suites allowed by <paramref name="profile"/>, TLS 1.3 suites first, in preference order.</summary>
    public static IReadOnlyList<TlsCipherSuite> For(DicomTlsProfile profile) => profile switch
    {
        DicomTlsProfile.Bcp195Extended => [.. Tls13, .. Extended],
        DicomTlsProfile.Bcp195 or DicomTlsProfile.Bcp195NonDowngrading => [.. Tls13, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, .. Bcp195],
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown TLS profile."),
    };
}
