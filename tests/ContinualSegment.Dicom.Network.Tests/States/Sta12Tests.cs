using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta12: acceptor collision, A-RELEASE-RP received, awaiting the local release response.</summary>
public sealed class Sta12Tests
{
    [Fact(Timeout = 20000)]
    public async Task PeerPdu_SendsProviderAbort_AA8()
    {
        var (server, peer, association, release) = await Sta10Tests.EnterSta10Async();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release.WaitAsync(RawPeer.DefaultWait);
            await Wait.UntilAsync(() => association.State == AssociationState.Sta12, "not in Sta12");
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            Assert.True(await peer.WaitClosedAsync());
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task ReleaseResponse_AR4_LeadsToSta13()
    {
        var (server, peer, association, release) = await Sta10Tests.EnterSta10Async();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release.WaitAsync(RawPeer.DefaultWait);
            await Wait.UntilAsync(() => association.State == AssociationState.Sta12, "not in Sta12");
            server.Handler.ReleaseGate!.SetResult();
            await peer.ExpectAsync(0x06);
            await Wait.UntilAsync(() => association.State is AssociationState.Sta13 or AssociationState.Sta1, "not in Sta13");
        }

        await server.AssertNoLeakAsync();
    }
}
