using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>
/// DICOM secure transport connection profiles (PS3.15 Annex B) built on BCP 195. Every profile negotiates TLS 1.2
/// or TLS 1.3 only; TLS 1.0 and 1.1 are never offered nor accepted.
/// </summary>
public enum DicomTlsProfile
{
    /// <summary>Non-downgrading BCP 195 TLS profile (PS3.15 B.10): TLS 1.2+, AEAD cipher suites of BCP 195.</summary>
    Bcp195NonDowngrading = 0,

    /// <summary>
    /// BCP 195 TLS profile (PS3.15 B.9). The profile permits falling back to older TLS versions; this implementation
    /// never does, so it negotiates exactly like <see cref="Bcp195NonDowngrading"/>.
    /// </summary>
    Bcp195 = 1,

    /// <summary>Extended BCP 195 TLS profile (PS3.15 B.11): TLS 1.2+ with ECDHE and AES-GCM suites only.</summary>
    Bcp195Extended = 2,
}
