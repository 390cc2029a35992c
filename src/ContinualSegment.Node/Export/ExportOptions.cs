namespace ContinualSegment.Node.Export;

/// <summary>The <c>Export</c> section: how results are sent and retried.</summary>
public sealed class ExportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Export";

    /// <summary>Our calling AE title towards destinations.</summary>
    public string CallingAeTitle { get; set; } = "CSEG";

    /// <summary>The first retry's delay; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after the first attempt a delivery is still retried before it goes to the dead letter.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a sender holds a delivery before another may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the exporter looks for due deliveries when no notification came.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the association to a destination stays open after a delivery for the next one to reuse; zero opens one per delivery.</summary>
    public TimeSpan AssociationIdleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether results' Segmentations are written (and offered) in Deflated Explicit VR Little Endian: the bit-packed masks
    /// of a whole-body CT shrink from hundreds of MB to a few; a destination that does not accept it gets Explicit VR LE.
    /// </summary>
    public bool DeflateSegmentation { get; set; } = true;
}
