using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>A-ASSOCIATE-RJ result, source and reason in words (PS3.8 §9.3.4: reasons depend on the source).</summary>
public sealed class AssociateRejectReasonsTests
{
    [Theory]
    [InlineData(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 7, "rejected (permanent) by the service-user: called AE title not recognized")]
    [InlineData(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 3, "rejected (permanent) by the service-user: calling AE title not recognized")]
    [InlineData(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceProviderAcse, 2, "rejected (permanent) by the service-provider (ACSE): protocol version not supported")]
    [InlineData(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, 2, "rejected (transient) by the service-provider (presentation): local limit exceeded")]
    [InlineData(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, 1, "rejected (transient) by the service-provider (presentation): temporary congestion")]
    [InlineData(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 9, "rejected (permanent) by the service-user: reason 9")]
    public void ReasonsAreReadBySource(AssociateRejectResult result, AssociateRejectSource source, byte reason, string expected)
    {
        Assert.Equal(expected, AssociateRejectReasons.Describe(result, source, reason));
    }

    [Fact]
    public void RejectedExceptionSaysWhy()
    {
        var error = new AssociationRejectedException(new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.CalledAeTitleNotRecognized));
        Assert.Equal("Association rejected (permanent) by the service-user: called AE title not recognized.", error.Message);
    }
}
