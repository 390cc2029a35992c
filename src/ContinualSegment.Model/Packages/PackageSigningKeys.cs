using System.Security.Cryptography;

namespace ContinualSegment.Model.Packages;

/// <summary>ECDSA P-256 keys for signing decoder packages, as PEM text.</summary>
public static class PackageSigningKeys
{
    /// <summary>Creates a key pair: PKCS#8 private key PEM and SubjectPublicKeyInfo public key PEM.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The key id of a PEM key (public or private): SHA-256 of its DER SubjectPublicKeyInfo, hex.</summary>
    public static string KeyId(string pem)
    {
        using var key = ImportP256(pem, "key");
        return KeyId(key);
    }

    internal static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>Maps trusted public key PEMs to their key ids.</summary>
    /// <exception cref="DecoderPackageException">A key is not a P-256 key in PEM.</exception>
    public static IReadOnlyDictionary<string, string> ById(IEnumerable<string> publicKeyPems)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPems);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pem in publicKeyPems)
        {
            map[KeyId(pem)] = pem;
        }

        return map;
    }

    internal static ECDsa ImportP256(string pem, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, $"the {what} is a {key.KeySize}-bit EC key; only NIST P-256 keys are used");
            }

            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DecoderPackageException(DecoderPackageRefusal.BadSignature, $"the {what} is not an EC P-256 key in PEM form: {ex.Message}", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
