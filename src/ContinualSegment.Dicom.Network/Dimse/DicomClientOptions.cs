using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Settings of a <see cref="DicomClient"/>.</summary>
public sealed record DicomClientOptions
{
    /// <summary>Peer host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>Peer port.</summary>
    public required int Port { get; init; }

    /// <summary>Our AE title.</summary>
    public string CallingAeTitle { get; init; } = "CSEG";

    /// <summary>The peer's AE title.</summary>
    public string CalledAeTitle { get; init; } = "ANY-SCP";

    /// <summary>Optional user identity proposed in the association request.</summary>
    public UserIdentityRequest? UserIdentity { get; init; }

    /// <summary>DICOM TLS settings; null connects over plain TCP.</summary>
    public DicomTlsOptions? Tls { get; init; }

    /// <summary>Upper layer settings.</summary>
    public UpperLayerOptions UpperLayer { get; init; } = new();

    /// <summary>Longest wait for each response. Default 60 s.</summary>
    public TimeSpan DimseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for the final response after a C-CANCEL. Default 10 s.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Retry hook for C-STORE: called with the failure status and the attempt number (1-based) that failed;
    /// true sends the instance again. Null never retries.
    /// </summary>
    public Func<DimseStatus, int, bool>? StoreRetryPolicy { get; init; }

    /// <summary>Most C-STORE attempts per instance when <see cref="StoreRetryPolicy"/> asks to retry. Default 3.</summary>
    public int MaxStoreAttempts { get; init; } = 3;

    /// <summary>Pause between C-STORE attempts. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Throws when a setting is invalid.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        AeTitle.Validate(CallingAeTitle, nameof(CallingAeTitle));
        AeTitle.Validate(CalledAeTitle, nameof(CalledAeTitle));
        ArgumentNullException.ThrowIfNull(UpperLayer);
        UpperLayer.Validate();
        Tls?.Validate(requireCertificate: false);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DimseTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CancelTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStoreAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
    }
}
