using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Size limits applied to received PDUs before any buffer for the body is allocated.</summary>
public sealed record PduLimits
{
    /// <summary>Smallest accepted value of <see cref="MaxPDataLength"/>.</summary>
    public const uint MinimumPDataLength = 1024;

    /// <summary>
    /// Largest P-DATA-TF PDU (value of its length field) this side accepts; advertised to the peer as the
    /// maximum length sub-item. Default 1 MiB: a sender may always send shorter PDUs, and the longer they may be
    /// the fewer PDUs (and system calls on both sides) an image takes; dcmtk's storescu then sends 128 KiB PDUs
    /// instead of 16 KiB or 64 KiB ones. A receive buffer grows to the longest PDU a peer actually sends.
    /// </summary>
    public uint MaxPDataLength { get; init; } = 1024 * 1024;

    /// <summary>Largest A-ASSOCIATE-RQ/AC PDU accepted. Default 256 KiB.</summary>
    public uint MaxAssociatePduLength { get; init; } = 256 * 1024;

    /// <summary>Throws when a limit is out of range.</summary>
    public void Validate()
    {
        if (MaxPDataLength < MinimumPDataLength || MaxPDataLength > int.MaxValue - 6)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPDataLength), MaxPDataLength, $"Must be between {MinimumPDataLength} and {int.MaxValue - 6}.");
        }

        if (MaxAssociatePduLength < 68 || MaxAssociatePduLength > int.MaxValue - 6)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAssociatePduLength), MaxAssociatePduLength, "Must be between 68 and 2^31-7.");
        }
    }

    /// <summary>The largest acceptable length field for a PDU of the given type; 0 for an unknown type.</summary>
    public uint MaxLengthFor(byte pduType) => pduType switch
    {
        (byte)PduType.AssociateRequest or (byte)PduType.AssociateAccept => MaxAssociatePduLength,
        (byte)PduType.PData => MaxPDataLength,
        (byte)PduType.AssociateReject or (byte)PduType.ReleaseRequest or (byte)PduType.ReleaseResponse or (byte)PduType.Abort => 4,
        _ => 0,
    };
}
