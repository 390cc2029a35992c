using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta11: requestor collision, A-RELEASE-RP sent, awaiting A-RELEASE-RP.</summary>
public sealed class Sta11Tests
{
    [Theory(Timeout = 20000)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    public async Task UnexpectedPdu_AA8(byte type)
    {
        var (association, peer, release, _) = await Sta7Tests.EnterAsync();
        using (peer)
        {
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.ExpectAsync(0x06);
            await Wait.UntilAsync(() => association.State == AssociationState.Sta11, "not in Sta11");
            await peer.SendAsync(type == 0x04 ? RawPdu.PData(1, true, true, [1, 2]) : RawPdu.ReleaseRq());
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            await Assert.ThrowsAsync<AssociationAbortedException>(() => release);
        }

        Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion.WaitAsync(RawPeer.DefaultWait));
    }
}
