namespace ContinualSegment.Model.Packages;

/// <summary>Fixed names inside a decoder package and an installed model directory.</summary>
public static class DecoderPackageLayout
{
    /// <summary>The manifest entry.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>The detached signature entry (signs the exact bytes of <see cref="ManifestEntry"/>).</summary>
    public const string SignatureEntry = "manifest.sig";

    /// <summary>The customary package file extension.</summary>
    public const string FileExtension = ".cseg-decoder.zip";

    /// <summary>The plan file of a model directory.</summary>
    public const string PlanFile = "plan.json";

    /// <summary>The encoder weights of a model directory.</summary>
    public const string EncoderFile = "encoder.bin";

    /// <summary>The folder of installed decoders (one sub-folder per decoder id).</summary>
    public const string DecodersFolder = "decoders";

    /// <summary>The file (inside <see cref="DecodersFolder"/>) listing the enabled decoder ids.</summary>
    public const string StateFile = "state.json";

    /// <summary>The lock file (inside <see cref="DecodersFolder"/>) serialising changes.</summary>
    public const string LockFile = ".lock";
}
