using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// The detached signature <c>manifest.sig</c>: a small JSON object naming the algorithm
/// (<see cref="Algorithm"/>: ECDSA over NIST P-256 with SHA-256), the signer's key id (SHA-256 of the
/// public key's DER SubjectPublicKeyInfo, hex) and the signature over the exact bytes of
/// <c>manifest.json</c>, base64 of the DER (RFC 3279) encoding that
/// <c>openssl dgst -sha256 -sign key.pem manifest.json</c> also produces.
/// </summary>
public sealed record PackageSignature
{
    /// <summary>The signature file format.</summary>
    public const string CurrentFormat = "cseg-decoder-signature/1";

    /// <summary>The only algorithm accepted.</summary>
    public const string Algorithm = "ECDSA-P256-SHA256";

    /// <summary>The largest signature file accepted, in bytes.</summary>
    public const int MaxBytes = 4096;

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, IndentSize = 2, NewLine = "\n" };

    /// <summary>The format, <see cref="CurrentFormat"/>.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The algorithm, <see cref="Algorithm"/>.</summary>
    [JsonPropertyName("algorithm")]
    public string AlgorithmName { get; init; } = Algorithm;

    /// <summary>The signer's key id (see <see cref="PackageSigningKeys.KeyId(string)"/>).</summary>
    [JsonPropertyName("keyId")]
    public required string KeyId { get; init; }

    /// <summary>Base64 of the DER-encoded ECDSA signature.</summary>
    [JsonPropertyName("signature")]
    public required string Signature { get; init; }

    /// <summary>Signs <paramref name="manifestBytes"/> with a P-256 private key (PEM).</summary>
    public static PackageSignature Create(ReadOnlySpan<byte> manifestBytes, string privateKeyPem)
    {
        using var key = PackageSigningKeys.ImportP256(privateKeyPem, "signing key");
        var signature = key.SignData(manifestBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new PackageSignature { KeyId = PackageSigningKeys.KeyId(key), Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>The signature file's bytes.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, WriteOptions);

    /// <summary>Parses a signature file.</summary>
    /// <exception cref="DecoderPackageException">Malformed (<see cref="DecoderPackageRefusal.BadSignature"/>).</exception>
    public static PackageSignature Parse(ReadOnlySpan<byte> utf8Json)
    {
        PackageSignature? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<PackageSignature>(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, $"manifest.sig is malformed: {ex.Message}", ex);
        }

        if (parsed is null
            || !string.Equals(parsed.Format, CurrentFormat, StringComparison.Ordinal)
            || !string.Equals(parsed.AlgorithmName, Algorithm, StringComparison.Ordinal)
            || !PackagePaths.IsSha256Hex(parsed.KeyId))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, $"manifest.sig is malformed: expected format '{CurrentFormat}', algorithm '{Algorithm}' and a 64-hex-digit keyId");
        }

        return parsed;
    }

    /// <summary>
    /// Verifies this signature over <paramref name="manifestBytes"/> against the trusted keys.
    /// </summary>
    /// <returns>The key id that verified.</returns>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UntrustedSignature"/> when the key id is not trusted;
    /// <see cref="DecoderPackageRefusal.BadSignature"/> when the trusted key does not verify it.
    /// </exception>
    internal string Verify(ReadOnlySpan<byte> manifestBytes, IReadOnlyDictionary<string, string> trustedKeysById)
    {
        if (!trustedKeysById.TryGetValue(KeyId, out var pem))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.UntrustedSignature, $"package is signed by key {KeyId[..16]}…, which is not among the {trustedKeysById.Count} trusted key(s)");
        }

        var bytes = new byte[(Signature.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(Signature, bytes, out var length))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, "manifest.sig's signature is not valid base64");
        }

        using var key = PackageSigningKeys.ImportP256(pem, "trusted key");
        if (!key.VerifyData(manifestBytes, bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, $"the signature does not match manifest.json for trusted key {KeyId[..16]}…; the manifest was altered after signing");
        }

        return KeyId;
    }
}
