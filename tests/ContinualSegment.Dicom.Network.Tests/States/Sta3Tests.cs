using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta3: awaiting the local A-ASSOCIATE response (the acceptor policy is still deciding).</summary>
public sealed class Sta3Tests
{
    private static async Task<(TestServer Server, BlockingAcceptor Acceptor, RawPeer Peer, Association Association)> EnterAsync()
    {
        var acceptor = new BlockingAcceptor();
        var server = TestServer.Start(acceptor, TestServer.FastOptions(artim: TimeSpan.FromSeconds(1)));
        var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq());
        await acceptor.Entered.Task.WaitAsync(RawPeer.DefaultWait);
        var association = await server.FirstAssociationAsync();
        Assert.Equal(AssociationState.Sta3, association.State);
        return (server, acceptor, peer, association);
    }

    [Fact(Timeout = 20000)]
    public async Task PolicyAccepts_SendsAc_AE7()
    {
        var (server, acceptor, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            acceptor.Gate.SetResult();
            await peer.ExpectAsync(0x02);
            await Wait.UntilAsync(() => association.State == AssociationState.Sta6, "not in Sta6");
            await peer.SendAsync(RawPdu.ReleaseRq());
            await peer.ExpectAsync(0x06);
        }

        await server.AssertNoLeakAsync();
    }

    [Theory(Timeout = 20000)]
    [InlineData(0x01)]
    [InlineData(0x04)]
    [InlineData(0x05)]
    public async Task PduBeforeResponse_SendsProviderAbort_AA8(byte type)
    {
        var (server, acceptor, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(type switch
            {
                0x01 => RawPdu.AssociateRq(),
                0x04 => RawPdu.PData(1, true, true, EchoCommand.Request(1)),
                _ => RawPdu.ReleaseRq(),
            });
            await peer.ExpectAbortAsync(source: 2, reason: 2);
            acceptor.Gate.SetResult(); // the late decision must not produce an A-ASSOCIATE-AC
            Assert.True(await peer.WaitClosedAsync());
            Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion);
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task AbortPdu_AA3()
    {
        var (server, acceptor, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            await peer.SendAsync(RawPdu.Abort());
            Assert.True(await peer.WaitClosedAsync());
            Assert.Equal(AssociationEndReason.PeerAbort, await association.Completion);
            acceptor.Gate.SetResult();
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task PeerCloses_AA4()
    {
        var (server, acceptor, peer, association) = await EnterAsync();
        await using (server)
        {
            peer.Dispose();
            Assert.Equal(AssociationEndReason.ProviderAbort, await association.Completion.WaitAsync(RawPeer.DefaultWait));
            acceptor.Gate.SetResult();
        }

        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task LocalAbort_AA1()
    {
        var (server, acceptor, peer, association) = await EnterAsync();
        await using (server)
        using (peer)
        {
            await association.AbortAsync();
            await peer.ExpectAbortAsync(source: 0);
            Assert.True(await peer.WaitClosedAsync());
            Assert.Equal(AssociationEndReason.LocalAbort, await association.Completion);
            acceptor.Gate.SetResult();
        }

        await server.AssertNoLeakAsync();
    }
}
