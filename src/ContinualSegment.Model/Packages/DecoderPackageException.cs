namespace ContinualSegment.Model.Packages;

/// <summary>A decoder package was refused, or a decoder operation could not be done.</summary>
public sealed class DecoderPackageException : Exception
{
    /// <summary>Creates an exception without a reason (required by convention; reason is <see cref="DecoderPackageRefusal.InvalidManifest"/>).</summary>
    public DecoderPackageException()
        : this(DecoderPackageRefusal.InvalidManifest, "the decoder package was refused")
    {
    }

    /// <summary>Creates an exception without a reason (reason is <see cref="DecoderPackageRefusal.InvalidManifest"/>).</summary>
    public DecoderPackageException(string message)
        : this(DecoderPackageRefusal.InvalidManifest, message)
    {
    }

    /// <summary>Creates an exception without a reason (reason is <see cref="DecoderPackageRefusal.InvalidManifest"/>).</summary>
    public DecoderPackageException(string message, Exception innerException)
        : this(DecoderPackageRefusal.InvalidManifest, message, innerException)
    {
    }

    /// <summary>Creates an exception with a reason and a message.</summary>
    public DecoderPackageException(DecoderPackageRefusal reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with a reason, a message and the underlying error.</summary>
    public DecoderPackageException(DecoderPackageRefusal reason, string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>The machine-readable reason.</summary>
    public DecoderPackageRefusal Reason { get; }
}
