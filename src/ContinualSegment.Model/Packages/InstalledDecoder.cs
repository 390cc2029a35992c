namespace ContinualSegment.Model.Packages;

/// <summary>A decoder installed in a model directory.</summary>
public sealed record InstalledDecoder
{
    /// <summary>The decoder id (its folder name).</summary>
    public required string Id { get; init; }

    /// <summary>The folder it is installed in.</summary>
    public required string Directory { get; init; }

    /// <summary>Whether it is enabled.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Its manifest, or null when <see cref="Problem"/> says why it could not be read.</summary>
    public DecoderManifest? Manifest { get; init; }

    /// <summary>Why the installed decoder is unusable, or null.</summary>
    public string? Problem { get; init; }

    /// <summary>The version, or an empty string when unknown.</summary>
    public string Version => Manifest?.Version ?? string.Empty;

    /// <summary>The task, or an empty string when unknown.</summary>
    public string Task => Manifest?.Task ?? string.Empty;

    /// <summary>The number of classes (0 when unknown).</summary>
    public int ClassCount => Manifest?.Classes.Count ?? 0;

    /// <summary>The validation metrics (empty when unknown).</summary>
    public IReadOnlyDictionary<string, double> Metrics => Manifest?.Metrics ?? new Dictionary<string, double>();
}
