using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>
/// An X.509 certificate revocation list (RFC 5280 section 5) read from a PEM ("X509 CRL") or DER file. Only what
/// revocation checking needs is kept: the issuer, the validity period, the revoked serial numbers and the signed
/// bytes with their signature. Delta CRLs, indirect CRLs and partitioned CRLs (critical extensions) are refused.
/// </summary>
public sealed class DicomCertificateRevocationList
{
    /// <summary>Largest CRL file read: 64 MiB.</summary>
    public const long MaxFileLength = 64L * 1024 * 1024;

    private const string PemLabel = "X509 CRL";
    private static readonly HashSet<string> KnownCriticalExtensions = new(StringComparer.Ordinal) { "2.5.29.20", "2.5.29.35" };

    private readonly HashSet<string> revoked;
    private readonly byte[] signedData;
    private readonly byte[] signature;

    private DicomCertificateRevocationList(string source, X500DistinguishedName issuer, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, HashSet<string> revoked, string signatureAlgorithm, byte[] signedData, byte[] signature)
    {
        Source = source;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        this.revoked = revoked;
        SignatureAlgorithm = signatureAlgorithm;
        this.signedData = signedData;
        this.signature = signature;
    }

    /// <summary>Where the list was read from (a file name), used in messages.</summary>
    public string Source { get; }

    /// <summary>The CA that issued the list.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>When the list was issued.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the next list is due; after it this one is expired. Null when the list gives no date.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The OID of the signature algorithm.</summary>
    public string SignatureAlgorithm { get; }

    /// <summary>The revoked serial numbers, upper-case hexadecimal without leading zero bytes.</summary>
    public IReadOnlyCollection<string> RevokedSerialNumbers => this.revoked;

    /// <summary>Reads a CRL file (PEM or DER). Throws <see cref="DicomTlsConfigurationException"/> naming the file.</summary>
    public static DicomCertificateRevocationList Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] data;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxFileLength)
            {
                throw new DicomTlsConfigurationException($"The TLS CRL file {path} is {length} bytes, more than the {MaxFileLength} allowed.");
            }

            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DicomTlsConfigurationException($"Cannot read the TLS CRL file {path}: {ex.Message}", ex);
        }

        return Parse(data, path);
    }

    /// <summary>Parses a CRL in PEM or DER form; <paramref name="source"/> names it in error messages.</summary>
    public static DicomCertificateRevocationList Parse(ReadOnlySpan<byte> data, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] der;
        if (data.Length > 0 && data[0] == 0x30)
        {
            der = data.ToArray();
        }
        else
        {
            der = FromPem(data, source);
        }

        try
        {
            return ParseDer(der, source);
        }
        catch (AsnContentException ex)
        {
            throw new DicomTlsConfigurationException($"The TLS CRL file {source} is not a valid DER certificate revocation list: {ex.Message}", ex);
        }
        catch (CryptographicException ex)
        {
            throw new DicomTlsConfigurationException($"The TLS CRL file {source} is not a valid certificate revocation list: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// True when <paramref name="issuer"/> is named as this list's issuer, may sign CRLs (key usage) and its public key
    /// verifies the list's signature.
    /// </summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.SubjectName.RawData.AsSpan().SequenceEqual(Issuer.RawData))
        {
            return false;
        }

        if (issuer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && (usage.KeyUsages & X509KeyUsageFlags.CrlSign) == 0)
        {
            return false;
        }

        return VerifySignature(issuer);
    }

    /// <summary>True when the list names <paramref name="certificate"/>'s serial number (the caller checks the issuer).</summary>
    public bool Lists(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return this.revoked.Contains(SerialHex(certificate.SerialNumberBytes.Span));
    }

    /// <summary>The serial number as this class writes it: upper-case hexadecimal without leading zero bytes.</summary>
    public static string SerialHex(ReadOnlySpan<byte> bigEndian)
    {
        var start = 0;
        while (start < bigEndian.Length - 1 && bigEndian[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bigEndian[start..]);
    }

    private bool VerifySignature(X509Certificate2 issuer)
    {
        try
        {
            switch (SignatureAlgorithm)
            {
                case Oids.Sha256WithRsa or Oids.Sha384WithRsa or Oids.Sha512WithRsa:
                {
                    using var rsa = issuer.GetRSAPublicKey();
                    return rsa is not null && rsa.VerifyData(this.signedData, this.signature, HashFor(SignatureAlgorithm), RSASignaturePadding.Pkcs1);
                }

                case Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512:
                {
                    using var ecdsa = issuer.GetECDsaPublicKey();
                    return ecdsa is not null && ecdsa.VerifyData(this.signedData, this.signature, HashFor(SignatureAlgorithm), DSASignatureFormat.Rfc3279DerSequence);
                }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static HashAlgorithmName HashFor(string oid) => oid switch
    {
        Oids.Sha256WithRsa or Oids.EcdsaWithSha256 => HashAlgorithmName.SHA256,
        Oids.Sha384WithRsa or Oids.EcdsaWithSha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private static byte[] FromPem(ReadOnlySpan<byte> data, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DicomTlsConfigurationException($"The TLS CRL file {source} is neither DER nor PEM.", ex);
        }

        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual(PemLabel))
            {
                var base64 = rest[fields.Base64Data];
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(base64, der, out var written))
                {
                    throw new DicomTlsConfigurationException($"The TLS CRL file {source} has a damaged PEM block.");
                }

                return der[..written];
            }

            rest = rest[fields.Location.End..];
        }

        throw new DicomTlsConfigurationException($"The TLS CRL file {source} holds no DER CRL and no PEM \"{PemLabel}\" block.");
    }

    private static DicomCertificateRevocationList ParseDer(byte[] der, string source)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var list = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var signedData = list.ReadEncodedValue().ToArray();
        var outerAlgorithm = list.ReadEncodedValue();
        var signature = list.ReadBitString(out var unusedBits);
        list.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            throw new DicomTlsConfigurationException($"The TLS CRL file {source} has a malformed signature.");
        }

        var tbs = new AsnReader(signedData, AsnEncodingRules.DER).ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            if (!tbs.TryReadInt32(out var version) || version != 1)
            {
                throw new DicomTlsConfigurationException($"The TLS CRL file {source} has an unknown version.");
            }
        }

        var innerAlgorithm = tbs.ReadEncodedValue();
        if (!innerAlgorithm.Span.SequenceEqual(outerAlgorithm.Span))
        {
            throw new DicomTlsConfigurationException($"The TLS CRL file {source} names two different signature algorithms.");
        }

        var algorithm = new AsnReader(innerAlgorithm, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        if (algorithm is not (Oids.Sha256WithRsa or Oids.Sha384WithRsa or Oids.Sha512WithRsa or Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512))
        {
            throw new DicomTlsConfigurationException(
                $"The TLS CRL file {source} is signed with algorithm {algorithm}; supported are RSA PKCS#1 v1.5 and ECDSA with SHA-256, SHA-384 or SHA-512.");
        }

        var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        var revoked = new HashSet<string>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                revoked.Add(SerialHex(entry.ReadIntegerBytes().Span));
                ReadTime(entry);
                if (entry.HasData)
                {
                    CheckExtensions(entry.ReadSequence(), source, "entry ");
                }

                entry.ThrowIfNotEmpty();
            }
        }

        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.HasData && tbs.PeekTag() == extensionsTag)
        {
            var wrapper = tbs.ReadSequence(extensionsTag);
            CheckExtensions(wrapper.ReadSequence(), source, string.Empty);
            wrapper.ThrowIfNotEmpty();
        }

        tbs.ThrowIfNotEmpty();
        return new DicomCertificateRevocationList(source, issuer, thisUpdate, nextUpdate, revoked, algorithm, signedData, signature);
    }

    private static void CheckExtensions(AsnReader extensions, string source, string where)
    {
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (critical && !KnownCriticalExtensions.Contains(oid))
            {
                throw new DicomTlsConfigurationException(
                    $"The TLS CRL file {source} has a critical {where}extension {oid} that is not supported (delta, indirect and partitioned CRLs are not).");
            }
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static class Oids
    {
        public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
        public const string Sha384WithRsa = "1.2.840.113549.1.1.12";
        public const string Sha512WithRsa = "1.2.840.113549.1.1.13";
        public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
        public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
        public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";
    }
}
