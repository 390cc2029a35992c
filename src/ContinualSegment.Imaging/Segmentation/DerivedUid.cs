using System.Security.Cryptography;
using System.Text;
using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Name-based UIDs: a 2.25 UID from a SHA-256-derived UUID of a seed, so a rebuilt instance with the same SOP Instance
/// UID carries the same nested UIDs (idempotent re-delivery).
/// </summary>
internal static class DerivedUid
{
    public static string From(string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // name-based version
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return DicomUid.FromUuid(new Guid(hash[..16], bigEndian: true));
    }
}
