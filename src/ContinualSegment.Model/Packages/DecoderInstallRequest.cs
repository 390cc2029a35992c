namespace ContinualSegment.Model.Packages;

/// <summary>The options of <c>cseg decoders install</c>.</summary>
public sealed record DecoderInstallRequest
{
    /// <summary>The model directory (<c>--model DIR</c>).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The package to install (argument).</summary>
    public required string PackagePath { get; init; }

    /// <summary>The structure catalogue CSV (<c>--catalogue FILE</c>).</summary>
    public required string CataloguePath { get; init; }

    /// <summary>Trusted public key PEM files (<c>--trusted-key FILE</c>, repeatable).</summary>
    public IReadOnlyList<string> TrustedKeyFiles { get; init; } = [];

    /// <summary>Refuse unsigned packages (<c>--require-signature</c>).</summary>
    public bool RequireSignature { get; init; }

    /// <summary>Replace an installed decoder with the same id (<c>--replace</c>).</summary>
    public bool Replace { get; init; }

    /// <summary>Replace only with a newer version (<c>--upgrade</c>).</summary>
    public bool Upgrade { get; init; }

    /// <summary>Install without enabling (<c>--disabled</c>).</summary>
    public bool Disabled { get; init; }

    /// <summary>Limit on the package's uncompressed payload (<c>--max-bytes N</c>), or null for the default.</summary>
    public long? MaxBytes { get; init; }
}
