using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>A payload file listed in a manifest.</summary>
/// <param name="Path">Relative path inside the package, forward slashes, e.g. <c>weights/decoder.bin</c>.</param>
/// <param name="Sha256">SHA-256 of the file as 64 lower-case hex digits.</param>
/// <param name="Size">Size in bytes.</param>
public sealed record PackageFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("size")] long Size);
