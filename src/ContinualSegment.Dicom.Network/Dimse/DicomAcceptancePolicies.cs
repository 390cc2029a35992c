using ContinualSegment.Dicom.Codecs;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Ready acceptance policies for DIMSE service providers.</summary>
public static class DicomAcceptancePolicies
{
    /// <summary>
    /// Transfer syntaxes a storage SCP accepts by default, in order of preference: every syntax whose data sets
    /// can be stored exactly as received (uncompressed, deflated and the common encapsulated ones).
    /// </summary>
    public static IReadOnlyList<string> DefaultStorageTransferSyntaxes { get; } =
    [
        DicomUids.ExplicitVRLittleEndian,
        DicomUids.ImplicitVRLittleEndian,
        DicomUids.DeflatedExplicitVRLittleEndian,
        DicomUids.ExplicitVRBigEndian,
        DicomUids.JPEGLSLossless,
        DicomUids.JPEGLosslessSV1,
        DicomUids.JPEGLossless,
        DicomUids.JPEG2000Lossless,
        DicomUids.RLELossless,
        DicomUids.JPEGBaseline8Bit,
        DicomUids.JPEGExtended12Bit,
        DicomUids.JPEGLSNearLossless,
        DicomUids.JPEG2000,
    ];

    /// <summary>Every registered, non-retired storage SOP class (keyword ending in "Storage").</summary>
    public static IReadOnlyList<string> StorageSopClasses { get; } =
        [.. DicomUids.All.Where(u => u.Kind == "SOP Class" && !u.IsRetired && u.Keyword.EndsWith("Storage", StringComparison.Ordinal)).Select(u => u.Uid)];

    /// <summary>
    /// Verification plus every storage SOP class with <paramref name="transferSyntaxes"/> (default: those of
    /// <see cref="DefaultStorageTransferSyntaxes"/> whose pixel data can be decoded here);
    /// <paramref name="calledAeTitle"/> restricts the called AE title. By default the sender's first proposed syntax
    /// among them wins (<see cref="TransferSyntaxPreference.FirstProposed"/>), so a sender never has to decompress
    /// for us; <see cref="TransferSyntaxPreference.Ours"/> takes the order of <paramref name="transferSyntaxes"/> instead.
    /// </summary>
    public static AcceptancePolicy Storage(
        string? calledAeTitle = null,
        IReadOnlyList<string>? transferSyntaxes = null,
        TransferSyntaxPreference preference = TransferSyntaxPreference.FirstProposed)
    {
        transferSyntaxes ??= [.. DefaultStorageTransferSyntaxes.Where(TransferSyntaxCodecs.CanDecode)];
        var syntaxes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [DicomUids.Verification] = [DicomUids.ExplicitVRLittleEndian, DicomUids.ImplicitVRLittleEndian],
        };
        foreach (var sopClass in StorageSopClasses)
        {
            syntaxes[sopClass] = transferSyntaxes;
        }

        return new AcceptancePolicy
        {
            AbstractSyntaxes = syntaxes,
            TransferSyntaxPreference = preference,
            CalledAeTitles = calledAeTitle is null ? new HashSet<string>(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal) { AeTitle.Validate(calledAeTitle, nameof(calledAeTitle)) },
        };
    }
}
