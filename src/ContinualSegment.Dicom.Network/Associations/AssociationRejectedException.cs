using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>The peer answered an association request with A-ASSOCIATE-RJ.</summary>
public sealed class AssociationRejectedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AssociationRejectedException()
        : base("The association was rejected.")
    {
        Reject = new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.UserNoReasonGiven);
    }

    /// <summary>Creates the exception.</summary>
    public AssociationRejectedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public AssociationRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Reject = new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.UserNoReasonGiven);
    }

    /// <summary>Creates the exception for a received A-ASSOCIATE-RJ.</summary>
    public AssociationRejectedException(AssociateRejectPdu reject)
        : base(reject is null ? "The association was rejected." : $"Association {reject.Describe()}.")
    {
        ArgumentNullException.ThrowIfNull(reject);
        Reject = reject;
    }

    /// <summary>The A-ASSOCIATE-RJ received.</summary>
    public AssociateRejectPdu Reject { get; }
}
