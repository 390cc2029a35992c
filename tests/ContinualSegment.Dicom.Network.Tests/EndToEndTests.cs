using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our requestor against our server: negotiation, fragmented messages both ways, release.</summary>
public sealed class EndToEndTests
{
    [Fact(Timeout = 30000)]
    public async Task RequestorAndServer_ExchangeLargeFragmentedMessages_AndRelease()
    {
        var serverHandler = new TestHandler();
        await using var server = TestServer.Start(handler: serverHandler, options: TestServer.FastOptions() with { Limits = new PduLimits { MaxPDataLength = 4096 } });
        var clientHandler = new TestHandler();
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = "ANY-SCP",
            CallingAeTitle = "OUR-SCU",
            PresentationContexts =
            [
                new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", [RawPdu.ImplicitLe]),
                new PresentationContextProposal(3, RawPdu.Verification, [RawPdu.ImplicitLe, RawPdu.ExplicitLe]),
            ],
            UserInformation = new UserInformation { MaxPduLength = 8192 },
        };
        await using var association = await Association.ConnectAsync("127.0.0.1", server.Port, request, clientHandler, TestServer.FastOptions());
        Assert.Equal(AssociationState.Sta6, association.State);
        Assert.Equal(4096u, association.PeerMaxPduLength);
        var context = Assert.Single(association.AcceptedContexts);
        Assert.Equal(new AcceptedPresentationContext(3, RawPdu.Verification, RawPdu.ExplicitLe), context);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, association.Accept!.PresentationContexts[0].Result);
        Assert.Equal(DicomUid.ImplementationClassUid, association.Accept.UserInformation.ImplementationClassUid);

        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 2000)));
        await association.SendMessageAsync(context.Id, EchoCommand.Request(5), data, CancellationToken.None);
        await Wait.UntilAsync(() => serverHandler.Messages.Count == 2 && !clientHandler.Messages.IsEmpty, "messages not delivered");
        var received = serverHandler.Messages.ToArray();
        Assert.True(received[0].IsCommand);
        Assert.False(received[1].IsCommand);
        Assert.Equal(data, received[1].Bytes.ToArray());
        Assert.Equal(5, EchoCommand.ReadU16(EchoCommand.Parse(clientHandler.Messages.Single().Bytes.Span), 0x0120));

        await Assert.ThrowsAsync<ArgumentException>(() => association.SendMessageAsync(1, EchoCommand.Request(6), null, CancellationToken.None));
        await association.ReleaseAsync(CancellationToken.None);
        Assert.Equal(AssociationState.Sta1, association.State);
        Assert.Equal(AssociationEndReason.Released, await association.Completion);
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 30000)]
    public async Task CalledAeRejection_SurfacesAsAssociationRejectedException()
    {
        await using var server = TestServer.Start();
        var request = RawAcceptor.EchoRequest(called: "SOMEONE-ELSE");
        var ex = await Assert.ThrowsAsync<AssociationRejectedException>(() => Association.ConnectAsync("127.0.0.1", server.Port, request, new TestHandler(), TestServer.FastOptions()));
        Assert.Equal(new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.CalledAeTitleNotRecognized), ex.Reject);
        await server.AssertNoLeakAsync();
    }
}
