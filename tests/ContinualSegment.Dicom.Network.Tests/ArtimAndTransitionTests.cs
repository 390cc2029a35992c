using ContinualSegment.Dicom.Network.StateMachine;
using Microsoft.Extensions.Time.Testing;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The ARTIM timer runs on the injected clock; the transition check catches a next state PS3.8 does not allow.</summary>
public sealed class ArtimAndTransitionTests
{
    [Fact(Timeout = 20000)]
    public async Task ArtimExpiry_IsDrivenByTheInjectedClock()
    {
        var clock = new FakeTimeProvider();
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(30)) with { TimeProvider = clock });
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await Wait.UntilAsync(() => server.Created.TryPeek(out var a) && a.State == AssociationState.Sta2, "association not in Sta2");

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(AssociationState.Sta2, Assert.Single(server.Created).State);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await peer.WaitClosedAsync(), "ARTIM expiry on the fake clock should close the transport (AA-2)");
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public void WrongNextState_IsCaught()
    {
        Assert.Throws<InvalidOperationException>(() => StateTransitionTable.VerifyTransition(UpperLayerAction.AE6, UpperLayerEvent.Evt6, AssociationState.Sta2, AssociationState.Sta6));
        Assert.Throws<InvalidOperationException>(() => StateTransitionTable.VerifyTransition(UpperLayerAction.AR8, UpperLayerEvent.Evt12, AssociationState.Sta7, AssociationState.Sta8));
        StateTransitionTable.VerifyTransition(UpperLayerAction.AE6, UpperLayerEvent.Evt6, AssociationState.Sta2, AssociationState.Sta13);
        StateTransitionTable.VerifyTransition(UpperLayerAction.AR8, UpperLayerEvent.Evt12, AssociationState.Sta7, AssociationState.Sta10);
    }

    [Fact]
    public void TestOptions_SwitchTheCheckOn() => Assert.True(TestServer.FastOptions().VerifyTransitions);
}
