using System.Globalization;
using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The association-observer seam: real associations seen accepted, released, rejected and aborted, with counts.</summary>
public sealed class AssociationObserverTests
{
    [Fact(Timeout = 30000)]
    public async Task OurScuToOurScp_AcceptedThenReleased_OnBothSides()
    {
        using var temp = new TempDirectory();
        var serverSide = new RecordingObserver();
        await using var server = StartServer(temp.Path, serverSide);
        var clientSide = new RecordingObserver();
        var client = await DicomClient.ConnectAsync(ClientOptions(server.Port, "ANY-SCP", clientSide), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
        await using (client)
        {
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.ReleaseAsync(CancellationToken.None);
        }

        await Wait.UntilAsync(() => serverSide.Events.Count == 2, "server reports missing");
        AssertAcceptedThenReleased(clientSide, isRequestor: true);
        AssertAcceptedThenReleased(serverSide, isRequestor: false);
        var released = (AssociationReleased)serverSide.Events.Last();
        var clientReleased = (AssociationReleased)clientSide.Events.Last();

        // A-ASSOCIATE-RQ, C-ECHO-RQ, A-RELEASE-RQ one way; A-ASSOCIATE-AC, C-ECHO-RSP, A-RELEASE-RP the other.
        Assert.Equal(new AssociationTraffic(3, released.Traffic.BytesSent, 3, released.Traffic.BytesReceived), released.Traffic);
        Assert.Equal(released.Traffic.BytesSent, clientReleased.Traffic.BytesReceived);
        Assert.Equal(released.Traffic.BytesReceived, clientReleased.Traffic.BytesSent);
        Assert.Equal(IPAddress.Loopback, released.RemoteEndPoint!.Address);
    }

    [Fact(Timeout = 60000)]
    public async Task Echoscu_AcceptedThenReleased()
    {
        using var temp = new TempDirectory();
        var observer = new RecordingObserver();
        await using var server = StartServer(temp.Path, observer);
        using var echo = ExternalProcess.Start("echoscu", ["-aet", "ECHOSCU", "-aec", "ANY-SCP", "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        Assert.Equal(0, await echo.WaitAsync(TimeSpan.FromSeconds(30)));
        await Wait.UntilAsync(() => observer.Events.Count == 2, "reports missing");
        AssertAcceptedThenReleased(observer, isRequestor: false, calling: "ECHOSCU");
        Assert.Equal(3, observer.Events.Last().Traffic.PdusReceived);
    }

    [Fact(Timeout = 30000)]
    public async Task WrongCalledAeTitle_RejectedOnBothSides()
    {
        using var temp = new TempDirectory();
        var serverSide = new RecordingObserver();
        await using var server = StartServer(temp.Path, serverSide, calledAe: "CSEG");
        var clientSide = new RecordingObserver();
        await Assert.ThrowsAsync<AssociationRejectedException>(() => DicomClient.ConnectAsync(ClientOptions(server.Port, "OTHER", clientSide), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None));
        await Wait.UntilAsync(() => serverSide.Events.Count == 1 && clientSide.Events.Count == 1, "reports missing");
        var seen = Assert.IsType<AssociationRejected>(Assert.Single(serverSide.Events));
        Assert.Equal(("SCU", "OTHER", false), (seen.CallingAeTitle, seen.CalledAeTitle, seen.IsRequestor));
        Assert.Equal(AssociateRejectSource.ServiceUser, seen.Rejection.Source);
        Assert.Equal(new AssociationTraffic(1, seen.Traffic.BytesSent, 1, seen.Traffic.BytesReceived), seen.Traffic);
        var told = Assert.IsType<AssociationRejected>(Assert.Single(clientSide.Events));
        Assert.True(told.IsRequestor);
        Assert.Equal(seen.Rejection, told.Rejection);
    }

    [Fact(Timeout = 30000)]
    public async Task ClientAborts_AbortedOnBothSides()
    {
        using var temp = new TempDirectory();
        var serverSide = new RecordingObserver();
        await using var server = StartServer(temp.Path, serverSide);
        var clientSide = new RecordingObserver();
        var client = await DicomClient.ConnectAsync(ClientOptions(server.Port, "ANY-SCP", clientSide), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
        await using (client)
        {
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.Association.AbortAsync();
            await client.Association.Completion;
        }

        await Wait.UntilAsync(() => serverSide.Events.Count == 2, "server reports missing");
        var local = Assert.IsType<AssociationAborted>(clientSide.Events.Last());
        Assert.Equal(AssociationEndReason.LocalAbort, local.Reason);
        Assert.Equal(3, local.Traffic.PdusSent);
        var remote = Assert.IsType<AssociationAborted>(serverSide.Events.Last());
        Assert.Equal(AssociationEndReason.PeerAbort, remote.Reason);
        Assert.Equal(AbortSource.ServiceUser, remote.ReceivedAbort!.Source);
        Assert.Equal(("SCU", "ANY-SCP"), (remote.CallingAeTitle, remote.CalledAeTitle));
        Assert.Equal(3, remote.Traffic.PdusReceived);
    }

    private static void AssertAcceptedThenReleased(RecordingObserver observer, bool isRequestor, string calling = "SCU")
    {
        var events = observer.Events.ToArray();
        Assert.Equal(2, events.Length);
        var accepted = Assert.IsType<AssociationAccepted>(events[0]);
        Assert.Equal((calling, "ANY-SCP", isRequestor), (accepted.CallingAeTitle, accepted.CalledAeTitle, accepted.IsRequestor));
        Assert.True(accepted.AcceptedContexts >= 1);
        var released = Assert.IsType<AssociationReleased>(events[1]);
        Assert.Equal((calling, "ANY-SCP"), (released.CallingAeTitle, released.CalledAeTitle));
        Assert.True(released.Traffic.PdusSent >= 3 && released.Traffic.BytesSent > released.Traffic.PdusSent * 6);
    }

    private static DimseServer StartServer(string output, IAssociationObserver observer, string? calledAe = null)
    {
        var server = new DimseServer(
            new DimseServerOptions
            {
                Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback, Association = TestServer.FastOptions() with { Observer = observer } },
                TempDirectory = Path.Combine(output, ".incoming"),
            },
            DicomAcceptancePolicies.Storage(calledAe),
            new StorageScp(new StorageScpOptions { OutputDirectory = output }));
        server.Start();
        return server;
    }

    private static DicomClientOptions ClientOptions(int port, string calledAe, IAssociationObserver observer) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        CallingAeTitle = "SCU",
        CalledAeTitle = calledAe,
        UpperLayer = new UpperLayerOptions { Observer = observer, VerifyTransitions = true },
    };
}
