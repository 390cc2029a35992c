using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>The association ended by an abort (or transport loss) before the operation completed.</summary>
public sealed class AssociationAbortedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AssociationAbortedException()
        : base("The association was aborted.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AssociationAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public AssociationAbortedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the end reason and the A-ABORT received, if any.</summary>
    public AssociationAbortedException(AssociationEndReason reason, AbortPdu? abort)
        : base($"The association ended: {reason}{(abort is null ? string.Empty : $" (A-ABORT source {abort.Source}, reason {abort.Reason})")}.")
    {
        EndReason = reason;
        Abort = abort;
    }

    /// <summary>How the association ended.</summary>
    public AssociationEndReason EndReason { get; } = AssociationEndReason.ProviderAbort;

    /// <summary>The A-ABORT received from the peer, if any.</summary>
    public AbortPdu? Abort { get; }
}
