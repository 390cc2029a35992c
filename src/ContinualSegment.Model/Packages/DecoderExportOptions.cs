namespace ContinualSegment.Model.Packages;

/// <summary>How <see cref="ModelDirectory.ExportAsync"/> fills what the model directory cannot tell.</summary>
public sealed record DecoderExportOptions
{
    /// <summary>The catalogue's codes by structure name (every class of the decoder must be in it).</summary>
    public required IReadOnlyDictionary<string, CatalogueCodes> Catalogue { get; init; }

    /// <summary>The package's version; null: the decoder's own version (1.0.0 for a decoder trained into the model).</summary>
    public string? Version { get; init; }

    /// <summary>A P-256 private key PEM to sign with, or null for an unsigned package.</summary>
    public string? SigningKeyPem { get; init; }

    /// <summary>
    /// The provenance to write when the model has none recorded for the decoder (a model trained before provenance was
    /// recorded); null: such a decoder is refused. A recorded provenance is never overridden.
    /// </summary>
    public TrainingProvenance? Provenance { get; init; }
}
