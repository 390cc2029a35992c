namespace ContinualSegment.Model.Packages;

/// <summary>A file to put into a package.</summary>
/// <param name="PackagePath">Path inside the package, e.g. <c>weights/decoder.bin</c>.</param>
/// <param name="SourcePath">The file on disk.</param>
public sealed record PackagePayload(string PackagePath, string SourcePath);
