namespace ContinualSegment.Model.Packages;

/// <summary>The options of <c>cseg decoders export</c>.</summary>
public sealed record DecoderExportRequest
{
    /// <summary>The model directory (<c>--model DIR</c>).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The decoder to export (argument).</summary>
    public required string DecoderId { get; init; }

    /// <summary>Where to write the package (<c>--out FILE</c>).</summary>
    public required string OutputPath { get; init; }

    /// <summary>The structure catalogue CSV (<c>--catalogue FILE</c>).</summary>
    public required string CataloguePath { get; init; }

    /// <summary>A P-256 private key PEM file to sign with (<c>--sign-key PEM</c>), or null.</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>The package's version (<c>--version V</c>), or null for the decoder's own.</summary>
    public string? Version { get; init; }

    /// <summary>The training data set's name (<c>--dataset NAME</c>), for a decoder whose provenance was not recorded.</summary>
    public string? Dataset { get; init; }

    /// <summary>The number of training cases (<c>--cases N</c>), with <see cref="Dataset"/>.</summary>
    public int? Cases { get; init; }

    /// <summary>The training run's seed (<c>--seed S</c>, 0 when not given), with <see cref="Dataset"/>.</summary>
    public long? Seed { get; init; }

    /// <summary>When training finished (<c>--trained-at T</c>; default: the weights file's time), with <see cref="Dataset"/>.</summary>
    public DateTimeOffset? TrainedAt { get; init; }
}
