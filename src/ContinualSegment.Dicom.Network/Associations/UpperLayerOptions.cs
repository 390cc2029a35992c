using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>Per-association settings of the upper layer.</summary>
public sealed record UpperLayerOptions
{
    /// <summary>Receive limits; <see cref="PduLimits.MaxPDataLength"/> is advertised as our maximum length.</summary>
    public PduLimits Limits { get; init; } = new();

    /// <summary>Association request/reject/release timer (ARTIM). Default 30 s.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An association with no PDU received for this long is aborted. Default 5 min; infinite allowed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest life of one association before it is aborted. Default infinite.</summary>
    public TimeSpan AssociationTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Requestor: longest wait for A-ASSOCIATE-AC/RJ and for A-RELEASE-RP. Default 30 s.</summary>
    public TimeSpan AcseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time one PDU write may take before the transport is dropped. Default 30 s.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest reassembled command or data set accepted from the peer. Default 512 MiB.</summary>
    public int MaxMessageLength { get; init; } = 512 * 1024 * 1024;

    /// <summary>Implementation class UID sent in user information.</summary>
    public string ImplementationClassUid { get; init; } = DicomUid.ImplementationClassUid;

    /// <summary>Implementation version name sent in user information.</summary>
    public string ImplementationVersionName { get; init; } = DicomUid.ImplementationVersionName;

    /// <summary>The clock of the ARTIM timer, the idle, write, ACSE and association timeouts. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Told when an association is accepted, rejected, released or aborted (and, on a server, of refused connections).</summary>
    public IAssociationObserver? Observer { get; init; }

    /// <summary>Where the association logs (accepted, rejected, released, aborted). Default: no logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Checks each action's next state against <see cref="StateTransitionTable.GetNextStates"/> and fails the
    /// association on a mismatch. On in debug builds and in the tests; off otherwise (it costs a lookup per event).
    /// </summary>
#if DEBUG
    internal bool VerifyTransitions { get; init; } = true;
#else
    internal bool VerifyTransitions { get; init; }
#endif

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        ArgumentNullException.ThrowIfNull(Limits);
        Limits.Validate();
        CheckTimeout(ArtimTimeout, nameof(ArtimTimeout), allowInfinite: false);
        CheckTimeout(IdleTimeout, nameof(IdleTimeout), allowInfinite: true);
        CheckTimeout(AssociationTimeout, nameof(AssociationTimeout), allowInfinite: true);
        CheckTimeout(AcseTimeout, nameof(AcseTimeout), allowInfinite: true);
        CheckTimeout(WriteTimeout, nameof(WriteTimeout), allowInfinite: true);
        if (MaxMessageLength < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageLength), MaxMessageLength, "Must be at least 1024.");
        }

        UidRules.Validate(ImplementationClassUid, nameof(ImplementationClassUid));
        if (string.IsNullOrEmpty(ImplementationVersionName) || ImplementationVersionName.Length > 16)
        {
            throw new ArgumentException("The implementation version name must have 1 to 16 characters.", nameof(ImplementationVersionName));
        }
    }

    private static void CheckTimeout(TimeSpan value, string name, bool allowInfinite)
    {
        if (value == Timeout.InfiniteTimeSpan && allowInfinite)
        {
            return;
        }

        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive" + (allowInfinite ? " or infinite." : "."));
        }
    }
}
