namespace ContinualSegment.Node.Export;

/// <summary>What an administrator's resend of a delivery did.</summary>
public enum ResendOutcome
{
    /// <summary>Queued to be sent again now, its attempts counted afresh.</summary>
    Queued,

    /// <summary>No delivery has that number.</summary>
    NotFound,

    /// <summary>An exporter is sending it right now (its lease is live): nothing changed; the send settles it.</summary>
    InFlight,

    /// <summary>Its job's DICOM results are gone (retention removed them): nothing to send; the series must be sent again.</summary>
    NoResults,
}
