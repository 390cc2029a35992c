using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta9 and Sta11: release collision on the requestor side.</summary>
public sealed class Sta9Tests
{
    [Fact(Timeout = 20000)]
    public async Task CollisionOnRequestor_AR8_AR9_ThenRp_AR3()
    {
        var (association, peer, release, _) = await Sta7Tests.EnterAsync();
        using (peer)
        {
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.ExpectAsync(0x06); // requestor answers first (AR-9)
            await Wait.UntilAsync(() => association.State == AssociationState.Sta11, "not in Sta11");
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release.WaitAsync(RawPeer.DefaultWait);
        }

        Assert.Equal(AssociationEndReason.Released, await association.Completion);
    }
}
