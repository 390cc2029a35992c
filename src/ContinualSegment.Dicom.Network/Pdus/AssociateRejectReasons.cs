namespace ContinualSegment.Dicom.Network;

/// <summary>Reason/diagnostic values of an A-ASSOCIATE-RJ PDU; their meaning depends on the source.</summary>
public static class AssociateRejectReasons
{
    /// <summary>Service-user: no reason given.</summary>
    public const byte UserNoReasonGiven = 1;

    /// <summary>Service-user: application context name not supported.</summary>
    public const byte ApplicationContextNameNotSupported = 2;

    /// <summary>Service-user: calling AE title not recognized.</summary>
    public const byte CallingAeTitleNotRecognized = 3;

    /// <summary>Service-user: called AE title not recognized.</summary>
    public const byte CalledAeTitleNotRecognized = 7;

    /// <summary>Service-provider (ACSE): no reason given.</summary>
    public const byte AcseNoReasonGiven = 1;

    /// <summary>Service-provider (ACSE): protocol version not supported.</summary>
    public const byte ProtocolVersionNotSupported = 2;

    /// <summary>Service-provider (presentation): temporary congestion.</summary>
    public const byte TemporaryCongestion = 1;

    /// <summary>Service-provider (presentation): local limit exceeded.</summary>
    public const byte LocalLimitExceeded = 2;
}
