namespace ContinualSegment.Model.Packages;

/// <summary>How to install a decoder package.</summary>
public sealed class DecoderInstallOptions
{
    /// <summary>The catalogue's codes by structure name; every class of the package must match it.</summary>
    public required IReadOnlyDictionary<string, CatalogueCodes> Catalogue { get; init; }

    /// <summary>Size limits, signature policy and trusted keys.</summary>
    public DecoderPackageReaderOptions Reader { get; init; } = new();

    /// <summary>Replace an installed decoder with the same id, whatever its version.</summary>
    public bool Replace { get; init; }

    /// <summary>Replace an installed decoder with the same id only when the package's version is newer.</summary>
    public bool Upgrade { get; init; }

    /// <summary>Enable the decoder once installed (default); otherwise it is installed disabled.</summary>
    public bool Enable { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> for invalid settings.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Catalogue);
        ArgumentNullException.ThrowIfNull(Reader);
        Reader.Validate();
    }
}
