using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta1: idle — before a connection exists and after the association ended.</summary>
public sealed class Sta1Tests
{
    [Fact(Timeout = 20000)]
    public async Task TransportIndication_AE5_StartsArtimInSta2()
    {
        await using var server = TestServer.Start(options: TestServer.FastOptions(artim: TimeSpan.FromSeconds(3)));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationState.Sta2, association.State);
        Assert.False(association.IsRequestor);
    }

    [Fact(Timeout = 20000)]
    public async Task AfterRelease_LocalPrimitivesAreRefused()
    {
        using var acceptor = new RawAcceptor();
        var (association, peer) = await acceptor.EstablishAsync(new TestHandler());
        using (peer)
        {
            var release = association.ReleaseAsync(CancellationToken.None);
            await peer.ExpectAsync(0x05);
            await peer.SendAsync(RawPdu.ReleaseRp());
            await release;
        }

        Assert.Equal(AssociationState.Sta1, association.State);
        Assert.Equal(AssociationEndReason.Released, await association.Completion);
        await Assert.ThrowsAsync<InvalidOperationException>(() => association.ReleaseAsync(CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => association.SendMessageAsync(1, EchoCommand.Request(1), null, CancellationToken.None));
        await association.AbortAsync(); // no action defined in Sta1: a no-op
        Assert.Equal(AssociationState.Sta1, association.State);
    }
}
