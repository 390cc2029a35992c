using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// Encodes and decodes the user information item of A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2.3, PS3.7 Annex D): maximum length,
/// implementation class UID and version name, asynchronous operations window, SCP/SCU role selection, SOP class
/// (common) extended negotiation, user identity request and response.
/// </summary>
internal static class UserInformationCodec
{
    private const byte UserInformationItem = 0x50;
    private const byte MaxLengthSubItem = 0x51;
    private const byte ImplementationClassUidSubItem = 0x52;
    private const byte AsyncOperationsSubItem = 0x53;
    private const byte RoleSelectionSubItem = 0x54;
    private const byte ImplementationVersionSubItem = 0x55;
    private const byte ExtendedNegotiationSubItem = 0x56;
    private const byte CommonExtendedNegotiationSubItem = 0x57;
    private const byte UserIdentityRequestSubItem = 0x58;
    private const byte UserIdentityResponseSubItem = 0x59;

    /// <summary>Writes the user information item (0x50) with its sub-items.</summary>
    public static void Write(ByteBuilder b, UserInformation ui)
    {
        var start = PduCodec.BeginItem(b, UserInformationItem);
        if (ui.MaxPduLength is { } max)
        {
            var s = PduCodec.BeginItem(b, MaxLengthSubItem);
            b.WriteUInt32(max);
            PduCodec.EndItem(b, s);
        }

        if (ui.ImplementationClassUid is { } impl)
        {
            PduCodec.WriteUidItem(b, ImplementationClassUidSubItem, impl, "implementation class UID");
        }

        if (ui.AsyncOperationsWindow is { } window)
        {
            var s = PduCodec.BeginItem(b, AsyncOperationsSubItem);
            b.WriteUInt16(window.MaxOperationsInvoked);
            b.WriteUInt16(window.MaxOperationsPerformed);
            PduCodec.EndItem(b, s);
        }

        foreach (var role in ui.RoleSelections)
        {
            var s = PduCodec.BeginItem(b, RoleSelectionSubItem);
            var uid = Encoding.ASCII.GetBytes(UidRules.Validate(role.SopClassUid, nameof(role)));
            b.WriteUInt16(uid.Length);
            b.WriteBytes(uid);
            b.WriteByte(role.ScuRole ? (byte)1 : (byte)0);
            b.WriteByte(role.ScpRole ? (byte)1 : (byte)0);
            PduCodec.EndItem(b, s);
        }

        if (ui.ImplementationVersionName is { } version)
        {
            if (version.Length is 0 or > 16)
            {
                throw new ArgumentException("The implementation version name must have 1 to 16 characters.", nameof(ui));
            }

            var s = PduCodec.BeginItem(b, ImplementationVersionSubItem);
            b.WriteBytes(Encoding.ASCII.GetBytes(version));
            PduCodec.EndItem(b, s);
        }

        foreach (var ext in ui.ExtendedNegotiations)
        {
            var s = PduCodec.BeginItem(b, ExtendedNegotiationSubItem);
            var uid = Encoding.ASCII.GetBytes(UidRules.Validate(ext.SopClassUid, nameof(ext)));
            b.WriteUInt16(uid.Length);
            b.WriteBytes(uid);
            b.WriteBytes(ext.ServiceClassApplicationInformation.Span);
            PduCodec.EndItem(b, s);
        }

        foreach (var common in ui.CommonExtendedNegotiations)
        {
            var s = PduCodec.BeginItem(b, CommonExtendedNegotiationSubItem);
            WriteLengthPrefixedUid(b, common.SopClassUid);
            WriteLengthPrefixedUid(b, common.ServiceClassUid);
            var related = b.Length;
            b.WriteUInt16(0);
            foreach (var uid in common.RelatedGeneralSopClassUids)
            {
                WriteLengthPrefixedUid(b, uid);
            }

            b.PatchUInt16(related, b.Length - related - 2);
            PduCodec.EndItem(b, s);
        }

        if (ui.UserIdentity is { } identity)
        {
            var s = PduCodec.BeginItem(b, UserIdentityRequestSubItem);
            b.WriteByte((byte)identity.IdentityType);
            b.WriteByte(identity.PositiveResponseRequested ? (byte)1 : (byte)0);
            b.WriteUInt16(identity.PrimaryField.Length);
            b.WriteBytes(identity.PrimaryField.Span);
            b.WriteUInt16(identity.SecondaryField.Length);
            b.WriteBytes(identity.SecondaryField.Span);
            PduCodec.EndItem(b, s);
        }

        if (ui.UserIdentityResponse is { } response)
        {
            var s = PduCodec.BeginItem(b, UserIdentityResponseSubItem);
            b.WriteUInt16(response.ServerResponse.Length);
            b.WriteBytes(response.ServerResponse.Span);
            PduCodec.EndItem(b, s);
        }

        PduCodec.EndItem(b, start);
    }

    private static void WriteLengthPrefixedUid(ByteBuilder b, string uid)
    {
        var bytes = Encoding.ASCII.GetBytes(UidRules.Validate(uid, nameof(uid)));
        b.WriteUInt16(bytes.Length);
        b.WriteBytes(bytes);
    }

    // One loop over the sub-items with one case per sub-item type (PS3.7 Annex D order): split, the checks of each would scatter.
    /// <summary>Decodes the body of a user information item; unrecognized sub-items are ignored (PS3.7 D.3.3).</summary>
    public static UserInformation Decode(ReadOnlySpan<byte> item)
    {
        var r = new SpanReader(item, "user information");
        uint? maxLength = null;
        string? implementationClass = null;
        string? implementationVersion = null;
        AsyncOperationsWindow? window = null;
        var roles = new List<RoleSelection>();
        var extended = new List<SopClassExtendedNegotiation>();
        var common = new List<SopClassCommonExtendedNegotiation>();
        UserIdentityRequest? identity = null;
        UserIdentityResponse? identityResponse = null;
        while (r.Remaining > 0)
        {
            var type = r.ReadByte();
            r.Skip(1);
            var length = r.ReadUInt16();
            var value = r.ReadBytes(length);
            var s = new SpanReader(value, $"user information sub-item 0x{type:X2}");
            switch (type)
            {
                case MaxLengthSubItem:
                    PduCodec.ExpectLength(value, 4, "maximum length sub-item");
                    maxLength = s.ReadUInt32();
                    break;
                case ImplementationClassUidSubItem:
                    implementationClass = UidRules.Read(value, "implementation class UID");
                    break;
                case AsyncOperationsSubItem:
                    PduCodec.ExpectLength(value, 4, "asynchronous operations window sub-item");
                    window = new AsyncOperationsWindow(s.ReadUInt16(), s.ReadUInt16());
                    break;
                case RoleSelectionSubItem:
                    {
                        var uid = UidRules.Read(s.ReadBytes(s.ReadUInt16()), "role selection SOP class");
                        var scu = s.ReadByte();
                        var scp = s.ReadByte();
                        if (s.Remaining != 0 || scu > 1 || scp > 1)
                        {
                            throw PduCodec.Invalid("Malformed SCP/SCU role selection sub-item.");
                        }

                        roles.Add(new RoleSelection(uid, scu == 1, scp == 1));
                        break;
                    }

                case ImplementationVersionSubItem:
                    if (value.Length is 0 or > 16)
                    {
                        throw PduCodec.Invalid($"Implementation version name length {value.Length} is outside 1..16.");
                    }

                    implementationVersion = Encoding.ASCII.GetString(value).TrimEnd(' ', '\0');
                    break;
                case ExtendedNegotiationSubItem:
                    {
                        var uid = UidRules.Read(s.ReadBytes(s.ReadUInt16()), "extended negotiation SOP class");
                        extended.Add(new SopClassExtendedNegotiation(uid, s.ReadBytes(s.Remaining).ToArray()));
                        break;
                    }

                case CommonExtendedNegotiationSubItem:
                    {
                        var sop = UidRules.Read(s.ReadBytes(s.ReadUInt16()), "common extended negotiation SOP class");
                        var service = UidRules.Read(s.ReadBytes(s.ReadUInt16()), "common extended negotiation service class");
                        var relatedBytes = s.ReadBytes(s.ReadUInt16());
                        if (s.Remaining != 0)
                        {
                            throw PduCodec.Invalid("Malformed SOP class common extended negotiation sub-item.");
                        }

                        var rr = new SpanReader(relatedBytes, "related general SOP classes");
                        var related = new List<string>();
                        while (rr.Remaining > 0)
                        {
                            related.Add(UidRules.Read(rr.ReadBytes(rr.ReadUInt16()), "related general SOP class"));
                        }

                        common.Add(new SopClassCommonExtendedNegotiation(sop, service, related));
                        break;
                    }

                case UserIdentityRequestSubItem:
                    {
                        var identityType = s.ReadByte();
                        var positive = s.ReadByte();
                        var primary = s.ReadBytes(s.ReadUInt16()).ToArray();
                        var secondary = s.ReadBytes(s.ReadUInt16()).ToArray();
                        if (s.Remaining != 0 || identityType is < 1 or > 5 || positive > 1)
                        {
                            throw PduCodec.Invalid("Malformed user identity negotiation sub-item.");
                        }

                        identity = new UserIdentityRequest((UserIdentityType)identityType, positive == 1, primary, secondary);
                        break;
                    }

                case UserIdentityResponseSubItem:
                    {
                        var response = s.ReadBytes(s.ReadUInt16()).ToArray();
                        if (s.Remaining != 0)
                        {
                            throw PduCodec.Invalid("Malformed user identity response sub-item.");
                        }

                        identityResponse = new UserIdentityResponse(response);
                        break;
                    }

                default:
                    // PS3.7 D.3.3: unrecognized user information sub-items are ignored.
                    break;
            }
        }

        return new UserInformation
        {
            MaxPduLength = maxLength,
            ImplementationClassUid = implementationClass,
            ImplementationVersionName = implementationVersion,
            AsyncOperationsWindow = window,
            RoleSelections = roles,
            ExtendedNegotiations = extended,
            CommonExtendedNegotiations = common,
            UserIdentity = identity,
            UserIdentityResponse = identityResponse,
        };
    }
}
