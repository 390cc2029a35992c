using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>A scripted acceptor for requestor-side tests: a loopback listener whose connections become <see cref="RawPeer"/>s.</summary>
internal sealed class RawAcceptor : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public RawAcceptor() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static AssociateRequestPdu EchoRequest(string called = "RAW-SCP") => new()
    {
        CalledAeTitle = called,
        CallingAeTitle = "OUR-SCU",
        PresentationContexts = [new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe])],
    };

    public async Task<RawPeer> AcceptAsync()
    {
        using var cts = new CancellationTokenSource(RawPeer.DefaultWait);
        return RawPeer.From(await _listener.AcceptTcpClientAsync(cts.Token));
    }

    /// <summary>Starts our requestor, accepts its connection and reads the A-ASSOCIATE-RQ.</summary>
    public async Task<(Task<Association> Connect, RawPeer Peer)> StartAsync(TestHandler handler, UpperLayerOptions? options = null)
    {
        var connect = Association.ConnectAsync("127.0.0.1", Port, EchoRequest(), handler, options ?? TestServer.FastOptions());
        var peer = await AcceptAsync();
        await peer.ExpectAsync(0x01);
        return (connect, peer);
    }

    /// <summary>As <see cref="StartAsync"/>, then accepts context 1 (max length 16384) and returns the established association.</summary>
    public async Task<(Association Association, RawPeer Peer)> EstablishAsync(TestHandler handler, UpperLayerOptions? options = null)
    {
        var (connect, peer) = await StartAsync(handler, options);
        await peer.SendAsync(RawPdu.AssociateAc("RAW-SCP", "OUR-SCU", 16384, (1, 0, RawPdu.ImplicitLe)));
        var association = await connect.WaitAsync(RawPeer.DefaultWait);
        Assert.Equal(AssociationState.Sta6, association.State);
        return (association, peer);
    }

    public void Dispose() => _listener.Dispose();
}
