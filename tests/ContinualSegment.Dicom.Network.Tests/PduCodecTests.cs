using System.Buffers;
using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

public sealed class PduCodecTests
{
    private static readonly PduLimits Limits = new();

    private static AssociateRequestPdu FullRequest() => new()
    {
        CalledAeTitle = "CALLED",
        CallingAeTitle = "CALLING",
        PresentationContexts =
        [
            new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe, RawPdu.ExplicitLe]),
            new PresentationContextProposal(3, "1.2.840.10008.5.1.4.1.1.2", [RawPdu.ExplicitLe]),
        ],
        UserInformation = new UserInformation
        {
            MaxPduLength = 32768,
            ImplementationClassUid = "1.2.3.4",
            ImplementationVersionName = "VERSION_1",
            AsyncOperationsWindow = new AsyncOperationsWindow(3, 0),
            RoleSelections = [new RoleSelection("1.2.840.10008.5.1.4.1.1.2", true, false)],
            ExtendedNegotiations = [new SopClassExtendedNegotiation("1.2.840.10008.5.1.4.1.2.1.1", new byte[] { 1, 0, 1 })],
            CommonExtendedNegotiations = [new SopClassCommonExtendedNegotiation("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.4.2", ["1.2.3", "1.2.4"])],
            UserIdentity = new UserIdentityRequest(UserIdentityType.UsernameAndPasscode, true, Encoding.UTF8.GetBytes("user"), Encoding.UTF8.GetBytes("secret")),
        },
    };

    [Fact]
    public void AssociateRequest_RoundTrips_WithEveryUserInformationSubItem()
    {
        var rq = FullRequest();
        var decoded = Assert.IsType<AssociateRequestPdu>(PduCodec.Decode(PduCodec.Encode(rq), Limits));
        Assert.Equal("CALLED", decoded.CalledAeTitle);
        Assert.Equal("CALLING", decoded.CallingAeTitle);
        Assert.Equal(RawPdu.AppContext, decoded.ApplicationContextName);
        Assert.Equal(2, decoded.PresentationContexts.Count);
        Assert.Equal(rq.PresentationContexts[0].TransferSyntaxes, decoded.PresentationContexts[0].TransferSyntaxes);
        Assert.Equal(3, decoded.PresentationContexts[1].Id);
        var ui = decoded.UserInformation;
        Assert.Equal(32768u, ui.MaxPduLength);
        Assert.Equal("1.2.3.4", ui.ImplementationClassUid);
        Assert.Equal("VERSION_1", ui.ImplementationVersionName);
        Assert.Equal(new AsyncOperationsWindow(3, 0), ui.AsyncOperationsWindow);
        Assert.Equal(rq.UserInformation.RoleSelections, ui.RoleSelections);
        Assert.Equal(new byte[] { 1, 0, 1 }, ui.ExtendedNegotiations.Single().ServiceClassApplicationInformation.ToArray());
        Assert.Equal(["1.2.3", "1.2.4"], ui.CommonExtendedNegotiations.Single().RelatedGeneralSopClassUids);
        Assert.Equal("1.2.840.10008.4.2", ui.CommonExtendedNegotiations.Single().ServiceClassUid);
        Assert.Equal(UserIdentityType.UsernameAndPasscode, ui.UserIdentity!.IdentityType);
        Assert.True(ui.UserIdentity.PositiveResponseRequested);
        Assert.Equal("secret", Encoding.UTF8.GetString(ui.UserIdentity.SecondaryField.Span));
    }

    [Fact]
    public void AssociateRequest_EncodesTheSameBytesAsTheHandMadeOne()
    {
        var rq = new AssociateRequestPdu
        {
            CalledAeTitle = "ANY-SCP",
            CallingAeTitle = "RAWPEER",
            PresentationContexts = [new PresentationContextProposal(1, RawPdu.Verification, [RawPdu.ImplicitLe])],
            UserInformation = new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4.5", ImplementationVersionName = "RAWPEER" },
        };
        Assert.Equal(RawPdu.AssociateRq(), PduCodec.Encode(rq));
    }

    [Fact]
    public void AssociateAccept_RoundTrips()
    {
        var ac = new AssociateAcceptPdu
        {
            CalledAeTitle = "A",
            CallingAeTitle = "B",
            PresentationContexts =
            [
                new PresentationContextResponse(1, PresentationContextResult.Acceptance, RawPdu.ExplicitLe),
                new PresentationContextResponse(3, PresentationContextResult.AbstractSyntaxNotSupported, RawPdu.ImplicitLe),
            ],
            UserInformation = new UserInformation { MaxPduLength = 0, UserIdentityResponse = new UserIdentityResponse(new byte[] { 7, 7 }) },
        };
        var decoded = Assert.IsType<AssociateAcceptPdu>(PduCodec.Decode(PduCodec.Encode(ac), Limits));
        Assert.Equal(PresentationContextResult.Acceptance, decoded.PresentationContexts[0].Result);
        Assert.Equal(RawPdu.ExplicitLe, decoded.PresentationContexts[0].TransferSyntax);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, decoded.PresentationContexts[1].Result);
        Assert.Equal(0u, decoded.UserInformation.MaxPduLength);
        Assert.Equal(new byte[] { 7, 7 }, decoded.UserInformation.UserIdentityResponse!.ServerResponse.ToArray());
    }

    [Fact]
    public void FixedPdus_MatchTheStandardLayout()
    {
        Assert.Equal(RawPdu.AssociateRj(2, 3, 2), PduCodec.Encode(new AssociateRejectPdu(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, 2)));
        Assert.Equal(RawPdu.ReleaseRq(), PduCodec.Encode(new ReleaseRequestPdu()));
        Assert.Equal(RawPdu.ReleaseRp(), PduCodec.Encode(new ReleaseResponsePdu()));
        Assert.Equal(RawPdu.Abort(2, 6), PduCodec.Encode(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue)));
        var rj = Assert.IsType<AssociateRejectPdu>(PduCodec.Decode(RawPdu.AssociateRj(1, 1, 7), Limits));
        Assert.Equal(AssociateRejectReasons.CalledAeTitleNotRecognized, rj.Reason);
        Assert.IsType<ReleaseRequestPdu>(PduCodec.Decode(RawPdu.ReleaseRq(), Limits));
        Assert.Equal(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), PduCodec.Decode(RawPdu.Abort(), Limits));
    }

    [Fact]
    public void PData_RoundTripsSeveralPdvs_AndWritesToABufferWriter()
    {
        var pdu = new PDataTfPdu(
        [
            new PresentationDataValue(1, true, true, new byte[] { 1, 2, 3 }),
            new PresentationDataValue(3, false, false, new byte[] { 4 }),
        ]);
        var writer = new ArrayBufferWriter<byte>();
        PduCodec.Encode(pdu, writer);
        var decoded = Assert.IsType<PDataTfPdu>(PduCodec.Decode(writer.WrittenSpan, Limits));
        Assert.Equal(2, decoded.Values.Count);
        Assert.True(decoded.Values[0].IsCommand && decoded.Values[0].IsLastFragment);
        Assert.False(decoded.Values[1].IsCommand || decoded.Values[1].IsLastFragment);
        Assert.Equal(new byte[] { 4 }, decoded.Values[1].Data.ToArray());
        Assert.Equal(RawPdu.PData(1, true, true, [1, 2, 3]), PduCodec.Encode(new PDataTfPdu([pdu.Values[0]])));
    }

    [Fact]
    public void MultiSegmentSequence_Decodes()
    {
        var bytes = RawPdu.PData(1, false, true, [5, 6, 7, 8]);
        var first = new Segment(bytes.AsMemory(0, 5));
        var last = first.Append(bytes.AsMemory(5));
        var decoded = Assert.IsType<PDataTfPdu>(PduCodec.Decode(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), Limits));
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, decoded.Values[0].Data.ToArray());
    }

    [Fact]
    public void UnknownUserInformationSubItem_IsIgnored()
    {
        var ui = RawPdu.Item(0x50, RawPdu.Item(0x51, RawPdu.U32(1000)), RawPdu.Item(0x7E, [1, 2, 3]), RawPdu.Item(0x52, RawPdu.Ascii("1.2.3")));
        var rq = Assert.IsType<AssociateRequestPdu>(PduCodec.Decode(RawPdu.AssociateRq(userInfo: ui), Limits));
        Assert.Equal(1000u, rq.UserInformation.MaxPduLength);
        Assert.Equal("1.2.3", rq.UserInformation.ImplementationClassUid);
    }

    [Fact]
    public void TrailingNulPaddedUid_IsAccepted()
    {
        var rq = Assert.IsType<AssociateRequestPdu>(PduCodec.Decode(RawPdu.AssociateRq(contexts: (1, RawPdu.Verification + "\0", [RawPdu.ImplicitLe])), Limits));
        Assert.Equal(RawPdu.Verification, rq.PresentationContexts[0].AbstractSyntax);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "unknown PDU type", RawPdu.Pdu(0x08, [0, 0, 0, 0]) },
        { "length field larger than the data", [.. RawPdu.ReleaseRq()[..5], 9, 0, 0, 0, 0] },
        { "truncated header", [0x01, 0, 0] },
        { "A-RELEASE-RQ with 5-byte body", RawPdu.Pdu(0x05, [0, 0, 0, 0, 0]) },
        { "A-ABORT with undefined source", RawPdu.Abort(3, 0) },
        { "A-ASSOCIATE-RJ with undefined result", RawPdu.AssociateRj(3, 1, 1) },
        { "called AE all spaces", RawPdu.AssociateRq(called: "                ") },
        { "calling AE with backslash", RawPdu.AssociateRq(calling: "A\\B") },
        { "UID with a letter", RawPdu.AssociateRq(contexts: (1, "1.2.840.10008.1.x", [RawPdu.ImplicitLe])) },
        { "UID longer than 64", RawPdu.AssociateRq(contexts: (1, "1." + new string('2', 64), [RawPdu.ImplicitLe])) },
        { "UID with empty component", RawPdu.AssociateRq(contexts: (1, "1..2", [RawPdu.ImplicitLe])) },
        { "even presentation context id", RawPdu.AssociateRq(contexts: (2, RawPdu.Verification, [RawPdu.ImplicitLe])) },
        { "duplicate presentation context id", RawPdu.AssociateRq(contexts: [(1, RawPdu.Verification, [RawPdu.ImplicitLe]), (1, RawPdu.Verification, [RawPdu.ExplicitLe])]) },
        { "context without transfer syntax", RawPdu.AssociateRq(contexts: (1, RawPdu.Verification, [])) },
        { "no application context", RawPdu.Pdu(0x01, RawPdu.U16(1), new byte[2], RawPdu.Ae("A"), RawPdu.Ae("B"), new byte[32], RawPdu.UserInfo()) },
        { "unknown top-level item", RawPdu.Pdu(0x01, RawPdu.U16(1), new byte[2], RawPdu.Ae("A"), RawPdu.Ae("B"), new byte[32], RawPdu.Item(0x10, RawPdu.Ascii(RawPdu.AppContext)), RawPdu.Item(0x33, [1])) },
        { "item longer than its PDU", RawPdu.Pdu(0x01, RawPdu.U16(1), new byte[2], RawPdu.Ae("A"), RawPdu.Ae("B"), new byte[32], [0x10, 0, 0x10, 0, 0x31]) },
        { "sub-item longer than its item", RawPdu.AssociateRq(userInfo: [0x50, 0, 0, 4, 0x51, 0, 0, 9]) },
        { "max length sub-item of 3 bytes", RawPdu.AssociateRq(userInfo: RawPdu.Item(0x50, RawPdu.Item(0x51, [0, 0, 1]))) },
        { "implementation version over 16", RawPdu.AssociateRq(userInfo: RawPdu.Item(0x50, RawPdu.Item(0x55, RawPdu.Ascii(new string('V', 17))))) },
        { "PDV shorter than its header", RawPdu.Pdu(0x04, RawPdu.U32(1), [1]) },
        { "PDV longer than the PDU", RawPdu.Pdu(0x04, RawPdu.U32(10), [1, 3, 0]) },
        { "P-DATA without PDV", RawPdu.Pdu(0x04) },
        { "PDV with even context id", RawPdu.PData(2, true, true, [1]) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedPdu_IsRejected(string why, byte[] bytes)
    {
        var ex = Assert.Throws<PduFormatException>(() => PduCodec.Decode(bytes, Limits));
        Assert.False(string.IsNullOrEmpty(ex.Message), why);
    }

    [Fact]
    public void UnknownType_ReportsUnrecognizedPdu()
    {
        var ex = Assert.Throws<PduFormatException>(() => PduCodec.Decode(RawPdu.Pdu(0x08, [0, 0, 0, 0]), Limits));
        Assert.Equal(AbortReason.UnrecognizedPdu, ex.Reason);
        Assert.True(ex.FramingLost);
    }

    [Fact]
    public void OversizedPData_IsRejectedFromTheHeader()
    {
        var limits = new PduLimits { MaxPDataLength = 2048 };
        var ex = Assert.Throws<PduFormatException>(() => PduCodec.ValidateHeader(0x04, 2049, limits));
        Assert.True(ex.FramingLost);
        PduCodec.ValidateHeader(0x04, 2048, limits);
    }

    [Fact]
    public void InvalidValues_AreRefusedWhenEncoding()
    {
        Assert.Throws<ArgumentException>(() => PduCodec.Encode(FullRequest() with { CalledAeTitle = "   " }));
        Assert.Throws<ArgumentException>(() => PduCodec.Encode(FullRequest() with { CallingAeTitle = "SEVENTEEN-CHARS-X" }));
        Assert.Throws<ArgumentException>(() => PduCodec.Encode(FullRequest() with { PresentationContexts = [new PresentationContextProposal(1, "1.2.a", [RawPdu.ImplicitLe])] }));
        Assert.Throws<ArgumentException>(() => PduCodec.Encode(FullRequest() with { PresentationContexts = [new PresentationContextProposal(2, RawPdu.Verification, [RawPdu.ImplicitLe])] }));
        Assert.Throws<ArgumentException>(() => PduCodec.Encode(new PDataTfPdu([])));
    }

    [Theory]
    [InlineData("A", true)]
    [InlineData("  PADDED ", true)]
    [InlineData("SIXTEEN-CHARS-AE", true)]
    [InlineData("", false)]
    [InlineData("    ", false)]
    [InlineData("BACK\\SLASH", false)]
    [InlineData("TAB\tAE", false)]
    [InlineData("SEVENTEEN-CHARS-X", false)]
    public void AeTitleRules(string title, bool valid) => Assert.Equal(valid, AeTitle.IsValid(title));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
