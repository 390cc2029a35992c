using System.Net;
using System.Text;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

public sealed class NegotiationTests
{
    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";

    private static readonly AcceptancePolicy Policy = new()
    {
        CalledAeTitles = new HashSet<string> { "NODE" },
        CallingAeTitles = new HashSet<string> { "MODALITY" },
        AbstractSyntaxes = new Dictionary<string, IReadOnlyList<string>>
        {
            [RawPdu.Verification] = [RawPdu.ExplicitLe, RawPdu.ImplicitLe],
            [CtImage] = [RawPdu.ExplicitLe],
        },
        Roles = new Dictionary<string, RoleSelection> { [CtImage] = new RoleSelection(CtImage, ScuRole: false, ScpRole: true) },
    };

    private static AssociateRequestPdu Request(string called = "NODE", string calling = "MODALITY", params PresentationContextProposal[] contexts) => new()
    {
        CalledAeTitle = called,
        CallingAeTitle = calling,
        PresentationContexts = contexts.Length > 0 ? contexts : [new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe])],
    };

    private static async Task<AssociationDecision> DecideAsync(AcceptancePolicy policy, AssociateRequestPdu request, IPAddress? peer = null) =>
        await new AssociationNegotiator(policy).DecideAsync(new AssociationRequestContext(request, new IPEndPoint(peer ?? IPAddress.Loopback, 1234)), CancellationToken.None);

    private static void AssertRejected(AssociationDecision decision, AssociateRejectResult result, AssociateRejectSource source, byte reason)
    {
        Assert.Null(decision.Accept);
        Assert.Equal(new AssociateRejectPdu(result, source, reason), decision.Reject);
    }

    [Fact]
    public async Task UnknownCalledAe_IsRejectedPermanentByServiceUser_Reason7() =>
        AssertRejected(await DecideAsync(Policy, Request(called: "OTHER")), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 7);

    [Fact]
    public async Task UnknownCallingAe_IsRejected_Reason3() =>
        AssertRejected(await DecideAsync(Policy, Request(calling: "STRANGER")), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 3);

    [Fact]
    public async Task ForeignApplicationContext_IsRejected_Reason2() =>
        AssertRejected(await DecideAsync(Policy, Request() with { ApplicationContextName = "1.2.3.4" }), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 2);

    [Fact]
    public async Task PeerAddressNotAllowed_IsRejected()
    {
        var policy = Policy with { AllowedPeerAddresses = [IPAddress.Parse("10.1.2.3")] };
        AssertRejected(await DecideAsync(policy, Request()), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 1);
        Assert.NotNull((await DecideAsync(policy, Request(), IPAddress.Parse("10.1.2.3"))).Accept);
        Assert.NotNull((await DecideAsync(policy, Request(), IPAddress.Parse("10.1.2.3").MapToIPv6())).Accept);
    }

    [Fact]
    public async Task EachContext_GetsItsOwnResult()
    {
        var decision = await DecideAsync(Policy, Request(contexts:
        [
            new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe, RawPdu.ExplicitLe]),
            new PresentationContextProposal(3, CtImage, [RawPdu.ImplicitLe]),
            new PresentationContextProposal(5, "1.2.840.10008.5.1.4.1.1.4", [RawPdu.ExplicitLe]),
            new PresentationContextProposal(7, CtImage, ["1.2.840.10008.1.2.4.50", RawPdu.ExplicitLe]),
        ]));
        var results = decision.Accept!.PresentationContexts;
        Assert.Equal(new PresentationContextResponse(1, PresentationContextResult.Acceptance, RawPdu.ExplicitLe), results[0]); // our preference wins
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported, results[1].Result);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, results[2].Result);
        Assert.Equal(new PresentationContextResponse(7, PresentationContextResult.Acceptance, RawPdu.ExplicitLe), results[3]);
    }

    [Theory]
    [InlineData(PresentationContextResult.UserRejection)]
    [InlineData(PresentationContextResult.NoReason)]
    public async Task ContextOverride_RefusesASupportedContext(PresentationContextResult result)
    {
        var policy = Policy with { ContextOverride = (_, pc) => pc.AbstractSyntax == CtImage ? result : null };
        var decision = await DecideAsync(policy, Request(contexts:
        [
            new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe]),
            new PresentationContextProposal(3, CtImage, [RawPdu.ExplicitLe]),
        ]));
        Assert.Equal(PresentationContextResult.Acceptance, decision.Accept!.PresentationContexts[0].Result);
        Assert.Equal(result, decision.Accept.PresentationContexts[1].Result);
    }

    [Fact]
    public async Task RoleSelection_IsAnsweredWithTheAllowedSubset()
    {
        var request = Request() with
        {
            UserInformation = new UserInformation
            {
                RoleSelections = [new RoleSelection(CtImage, true, true), new RoleSelection("1.2.840.10008.5.1.4.1.1.4", false, true)],
            },
        };
        var roles = (await DecideAsync(Policy, request)).Accept!.UserInformation.RoleSelections;
        Assert.Equal([new RoleSelection(CtImage, ScuRole: false, ScpRole: true)], roles);
    }

    [Fact]
    public async Task UserIdentity_IsCheckedAndAnswered()
    {
        var policy = Policy with
        {
            UserIdentityValidator = (identity, _, _) => ValueTask.FromResult(
                new UserIdentityVerdict(Encoding.UTF8.GetString(identity.PrimaryField.Span) == "alice", Encoding.UTF8.GetBytes("ok"))),
        };
        UserInformation Identity(string user) => new() { UserIdentity = new UserIdentityRequest(UserIdentityType.Username, true, Encoding.UTF8.GetBytes(user), ReadOnlyMemory<byte>.Empty) };

        var accepted = await DecideAsync(policy, Request() with { UserInformation = Identity("alice") });
        Assert.Equal("ok", Encoding.UTF8.GetString(accepted.Accept!.UserInformation.UserIdentityResponse!.ServerResponse.Span));
        AssertRejected(await DecideAsync(policy, Request() with { UserInformation = Identity("mallory") }), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 1);
        Assert.NotNull((await DecideAsync(policy, Request())).Accept);
        AssertRejected(await DecideAsync(policy with { RequireUserIdentity = true }, Request()), AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 1);
    }

    [Fact]
    public async Task CallingAeRejection_ReachesTheWire()
    {
        var policy = TestServer.DefaultPolicy with { CallingAeTitles = new HashSet<string> { "KNOWN" } };
        await using var server = TestServer.Start(new AssociationNegotiator(policy));
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPdu.AssociateRq(calling: "UNKNOWN"));
        var rj = await peer.ExpectAsync(0x03);
        Assert.Equal(new byte[] { 1, 1, 3 }, rj[1..4]);
        peer.Dispose();
        await server.AssertNoLeakAsync();
    }

    [Fact(Timeout = 20000)]
    public async Task UserIdentity_TravelsOverTheWire()
    {
        var policy = TestServer.DefaultPolicy with
        {
            UserIdentityValidator = (identity, context, _) => ValueTask.FromResult(new UserIdentityVerdict(
                identity.IdentityType == UserIdentityType.UsernameAndPasscode && Encoding.UTF8.GetString(identity.SecondaryField.Span) == "pw" && context.RemoteEndPoint is not null,
                Encoding.UTF8.GetBytes("welcome"))),
            RequireUserIdentity = true,
        };
        await using var server = TestServer.Start(new AssociationNegotiator(policy));
        AssociateRequestPdu WithPassword(string password) => RawAcceptor.EchoRequest(called: "ANY-SCP") with
        {
            UserInformation = new UserInformation { UserIdentity = new UserIdentityRequest(UserIdentityType.UsernameAndPasscode, true, Encoding.UTF8.GetBytes("bob"), Encoding.UTF8.GetBytes(password)) },
        };

        await using (var association = await Association.ConnectAsync("127.0.0.1", server.Port, WithPassword("pw"), new TestHandler(), TestServer.FastOptions()))
        {
            Assert.Equal("welcome", Encoding.UTF8.GetString(association.Accept!.UserInformation.UserIdentityResponse!.ServerResponse.Span));
            await association.ReleaseAsync(CancellationToken.None);
        }

        var ex = await Assert.ThrowsAsync<AssociationRejectedException>(() => Association.ConnectAsync("127.0.0.1", server.Port, WithPassword("wrong"), new TestHandler(), TestServer.FastOptions()));
        Assert.Equal(AssociateRejectSource.ServiceUser, ex.Reject.Source);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public void InvalidPolicyUid_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new AssociationNegotiator(Policy with
        {
            AbstractSyntaxes = new Dictionary<string, IReadOnlyList<string>> { ["not-a-uid"] = [RawPdu.ImplicitLe] },
        }));
}
