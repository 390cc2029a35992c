namespace ContinualSegment.Model.Packages;

/// <summary>A key pair <see cref="DecoderPackageService.KeygenAsync"/> wrote.</summary>
/// <param name="KeyId">The key id (SHA-256 of the public key, hex).</param>
/// <param name="PrivateKeyPath">The private key (PEM, readable by its owner only).</param>
/// <param name="PublicKeyPath">The public key (PEM).</param>
public sealed record SigningKeyPair(string KeyId, string PrivateKeyPath, string PublicKeyPath);
