using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Interoperability with dcmtk as a real peer (echoscu against our server, our requestor against storescp).</summary>
public sealed class DcmtkInteropTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 30000)]
    public async Task Echoscu_VerifiesAgainstOurServer()
    {
        await using var server = TestServer.Start();
        var (exit, output) = await ExternalProcess.RunAsync("echoscu", ToolTimeout, "-aec", "ANY-SCP", "-aet", "X", "127.0.0.1", server.Port.ToString());
        Assert.True(exit == 0, output);
        Assert.Equal(1, server.Handler.EchoCount);
        var association = await server.FirstAssociationAsync();
        Assert.Equal("X", association.Request!.CallingAeTitle);
        Assert.Equal(AssociationEndReason.Released, await association.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 30000)]
    public async Task Echoscu_RepeatedEchoesOnOneAssociation_WithSmallPdus()
    {
        await using var server = TestServer.Start();
        var (exit, output) = await ExternalProcess.RunAsync("echoscu", ToolTimeout, "-aec", "ANY-SCP", "-aet", "X", "--repeat", "5", "-ppc", "3", "-pts", "4", "-pdu", "4096", "127.0.0.1", server.Port.ToString());
        Assert.True(exit == 0, output);
        Assert.Equal(5, server.Handler.EchoCount);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 30000)]
    public async Task Echoscu_WithUnknownCalledAe_ReportsTheRejection()
    {
        await using var server = TestServer.Start();
        var (exit, output) = await ExternalProcess.RunAsync("echoscu", ToolTimeout, "-aec", "NOBODY", "-aet", "X", "127.0.0.1", server.Port.ToString());
        Assert.NotEqual(0, exit);
        Assert.Contains("Rejected Permanent", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Service User", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Called AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, server.Handler.EchoCount);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 40000)]
    public async Task OurRequestor_EchoesAndReleasesWithStorescp()
    {
        var port = FreePort();
        using var storescp = ExternalProcess.Start("storescp", ["-aet", "STORESCP", "--output-directory", Path.GetTempPath(), port.ToString()], new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });
        var handler = new TestHandler();
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = "STORESCP",
            CallingAeTitle = "CSEG-SCU",
            PresentationContexts = [new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ExplicitLe, RawPdu.ImplicitLe])],
        };
        var association = await ConnectWithRetryAsync(port, request, handler, storescp);
        try
        {
            var context = association.FindAcceptedContext(RawPdu.Verification);
            Assert.NotNull(context);
            Assert.True(association.PeerMaxPduLength > 0);
            await association.SendMessageAsync(context.Id, EchoCommand.Request(42), null, CancellationToken.None);
            await Wait.UntilAsync(() => !handler.Messages.IsEmpty, "no C-ECHO-RSP from storescp");
            Assert.True(handler.Messages.TryDequeue(out var response));
            Assert.True(response.IsCommand);
            var rsp = EchoCommand.Parse(response.Bytes.Span);
            Assert.Equal(EchoCommand.EchoRsp, EchoCommand.ReadU16(rsp, 0x0100));
            Assert.Equal(42, EchoCommand.ReadU16(rsp, 0x0120));
            Assert.Equal(0, EchoCommand.ReadU16(rsp, 0x0900));
            await association.ReleaseAsync(CancellationToken.None);
            Assert.Equal(AssociationEndReason.Released, await association.Completion);
        }
        finally
        {
            await association.DisposeAsync();
        }

        Assert.False(storescp.HasExited, storescp.Output);
    }

    [Fact(Timeout = 40000)]
    public async Task OurRequestor_ReportsStorescpRefusal()
    {
        var port = FreePort();
        using var storescp = ExternalProcess.Start("storescp", ["-aet", "STORESCP", "--refuse", port.ToString()], new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = "STORESCP",
            CallingAeTitle = "CSEG-SCU",
            PresentationContexts = [new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe])],
        };
        var ex = await Assert.ThrowsAsync<AssociationRejectedException>(() => ConnectWithRetryAsync(port, request, new TestHandler(), storescp));
        // storescp --refuse answers: rejected permanent, service user, no reason given.
        Assert.Equal(AssociateRejectResult.Permanent, ex.Reject.Result);
        Assert.Equal(AssociateRejectSource.ServiceUser, ex.Reject.Source);
        Assert.Equal(AssociateRejectReasons.UserNoReasonGiven, ex.Reject.Reason);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<Association> ConnectWithRetryAsync(int port, AssociateRequestPdu request, TestHandler handler, ExternalProcess peer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return await Association.ConnectAsync("127.0.0.1", port, request, handler, TestServer.FastOptions());
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !peer.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }
}
