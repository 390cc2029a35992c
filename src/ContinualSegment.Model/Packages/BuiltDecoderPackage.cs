namespace ContinualSegment.Model.Packages;

/// <summary>A package <see cref="DecoderPackageService.PackageAsync"/> wrote.</summary>
/// <param name="Path">The package file.</param>
/// <param name="Manifest">Its manifest, files included.</param>
/// <param name="SignerKeyId">The signing key's id, or null for an unsigned package.</param>
public sealed record BuiltDecoderPackage(string Path, DecoderManifest Manifest, string? SignerKeyId);
