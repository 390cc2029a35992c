using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

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

    /// <summary>What a reject means, in words (PS3.8 §9.3.4): "rejected (permanent) by the service-user: called AE title not recognized".</summary>
    public static string Describe(AssociateRejectResult result, AssociateRejectSource source, byte reason)
    {
        var kind = result switch
        {
            AssociateRejectResult.Permanent => "rejected (permanent)",
            AssociateRejectResult.Transient => "rejected (transient)",
            _ => $"rejected (result {(int)result})",
        };
        var (by, why) = source switch
        {
            AssociateRejectSource.ServiceUser => ("the service-user", reason switch
            {
                UserNoReasonGiven => "no reason given",
                ApplicationContextNameNotSupported => "application context name not supported",
                CallingAeTitleNotRecognized => "calling AE title not recognized",
                CalledAeTitleNotRecognized => "called AE title not recognized",
                _ => $"reason {reason}",
            }),
            AssociateRejectSource.ServiceProviderAcse => ("the service-provider (ACSE)", reason switch
            {
                AcseNoReasonGiven => "no reason given",
                ProtocolVersionNotSupported => "protocol version not supported",
                _ => $"reason {reason}",
            }),
            AssociateRejectSource.ServiceProviderPresentation => ("the service-provider (presentation)", reason switch
            {
                TemporaryCongestion => "temporary congestion",
                LocalLimitExceeded => "local limit exceeded",
                _ => $"reason {reason}",
            }),
            _ => ($"source {(int)source}", $"reason {reason}"),
        };
        return $"{kind} by {by}: {why}";
    }
}
