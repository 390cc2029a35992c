namespace ContinualSegment.Model.Packages;

/// <summary>Limits and trust settings for reading decoder packages.</summary>
public sealed class DecoderPackageReaderOptions
{
    /// <summary>The most uncompressed bytes a package's payload may hold (default 4 GiB).</summary>
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The most entries a package may hold (default 1024).</summary>
    public int MaxEntries { get; init; } = 1024;

    /// <summary>Whether a signature is required.</summary>
    public SignaturePolicy SignaturePolicy { get; init; } = SignaturePolicy.Optional;

    /// <summary>Trusted P-256 public keys (SubjectPublicKeyInfo PEM text).</summary>
    public IReadOnlyList<string> TrustedPublicKeys { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> for a setting out of range.</summary>
    public void Validate()
    {
        if (MaxTotalBytes <= 0)
        {
            throw new ArgumentException($"{nameof(MaxTotalBytes)} must be positive (got {MaxTotalBytes})");
        }

        if (MaxEntries < 2)
        {
            throw new ArgumentException($"{nameof(MaxEntries)} must be at least 2 (got {MaxEntries})");
        }

        if (!Enum.IsDefined(SignaturePolicy))
        {
            throw new ArgumentException($"{nameof(SignaturePolicy)} {SignaturePolicy} is not defined");
        }

        ArgumentNullException.ThrowIfNull(TrustedPublicKeys);
    }
}
