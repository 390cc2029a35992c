namespace ContinualSegment.Model.Packages;

/// <summary>A package that passed every check.</summary>
/// <param name="Manifest">Its manifest.</param>
/// <param name="ManifestSha256">SHA-256 of the manifest's bytes (hex), which covers every file.</param>
/// <param name="Signature">What is known about its signature.</param>
/// <param name="SignerKeyId">The verified signer's key id, when <paramref name="Signature"/> is <see cref="SignatureStatus.Verified"/>.</param>
public sealed record VerifiedDecoderPackage(DecoderManifest Manifest, string ManifestSha256, SignatureStatus Signature, string? SignerKeyId);
