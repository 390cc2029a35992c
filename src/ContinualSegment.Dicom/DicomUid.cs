using System.Numerics;
using System.Security.Cryptography;

namespace ContinualSegment.Dicom;

/// <summary>UID validation (PS3.5 §9.1) and generation.</summary>
public static class DicomUid
{
    /// <summary>Maximum length of a UID in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>The Implementation Class UID written into File Meta Information and A-ASSOCIATE by this toolkit (a fixed 2.25 UUID-derived UID).</summary>
    public const string ImplementationClassUid = "2.25.74336649919497974837249463467771267312";

    /// <summary>Implementation Version Name (at most 16 characters).</summary>
    public const string ImplementationVersionName = "CSEG_DICOM_010";

    /// <summary>True when <paramref name="uid"/> is 1-64 characters of digits and dots, with non-empty components and no leading zero in a multi-digit component.</summary>
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > MaxLength)
        {
            return false;
        }

        var componentStart = 0;
        for (var i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                var len = i - componentStart;
                if (len == 0 || (len > 1 && uid[componentStart] == '0'))
                {
                    return false;
                }

                componentStart = i + 1;
            }
            else if (uid[i] < '0' || uid[i] > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws a <see cref="DicomException"/> naming the problem when <paramref name="uid"/> is not a valid UID.</summary>
    public static void Validate(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (!IsValid(uid))
        {
            throw new DicomException($"'{uid}' is not a valid DICOM UID (digits and dots, no leading zeros, at most 64 characters).");
        }
    }

    /// <summary>Generates a new UID of the form 2.25.&lt;128-bit random UUID as decimal&gt; (PS3.5 §B.2).</summary>
    public static string Generate()
    {
        return "2.25." + RandomUuidDecimal();
    }

    /// <summary>Generates a new UID under <paramref name="root"/>: root + "." + random decimal digits, at most 64 characters.</summary>
    public static string Generate(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!IsValid(root))
        {
            throw new ArgumentException($"'{root}' is not a valid UID root.", nameof(root));
        }

        var available = MaxLength - root.Length - 1;
        if (available < 16)
        {
            throw new ArgumentException($"UID root '{root}' is too long: at least 16 characters must remain for the unique suffix.", nameof(root));
        }

        var suffix = RandomUuidDecimal();
        if (suffix.Length > available)
        {
            suffix = suffix[..available];
        }

        return root + "." + suffix;
    }

    /// <summary>Converts a UUID to its 2.25 UID form.</summary>
    public static string FromUuid(Guid uuid)
    {
        var bytes = uuid.ToByteArray(bigEndian: true);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Namespace of the name-based UIDs this product derives (<see cref="FromName(string)"/>). Fixed for ever: changing it
    /// would give every derived UID (phantom series, result objects of a job) a new value.
    /// </summary>
    public static readonly Guid NameNamespace = new("5d0c5a8e-2b9f-4f7e-9a55-0e3c6b1f7d42");

    /// <summary>
    /// The name-based UID of <paramref name="name"/> in this product's namespace: the same name always gives the same UID,
    /// different names practically never the same (RFC 4122 version 5 UUID, written as a 2.25 UID).
    /// </summary>
    public static string FromName(string name) => FromName(NameNamespace, name);

    /// <summary>The RFC 4122 version 5 (SHA-1, name-based) UUID of <paramref name="name"/> in <paramref name="namespaceId"/>, as a 2.25 UID.</summary>
    public static string FromName(Guid namespaceId, string name) => FromUuid(NameBasedUuid(namespaceId, name));

    /// <summary>The RFC 4122 version 5 UUID of <paramref name="name"/> (UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid NameBasedUuid(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        _ = namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // RFC 4122 version 5 is defined on SHA-1; this is naming, not security.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private static string RandomUuidDecimal()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
