using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>
/// Query identifiers with the usual return keys, and keys given as text ("Keyword=value", "gggg,eeee=value", or a
/// bare key for a return key with an empty value).
/// </summary>
public static class DicomQueryIdentifiers
{
    /// <summary>Modality Worklist: patient, accession, study and scheduled procedure step return keys.</summary>
    public static DicomDataset Worklist() => new(
        Empty(0x0008, 0x0050),
        Empty(0x0010, 0x0010),
        Empty(0x0010, 0x0020),
        Empty(0x0010, 0x0030),
        Empty(0x0010, 0x0040),
        Empty(0x0020, 0x000D),
        new DicomSequence(DicomTags.ScheduledProcedureStepSequence, new DicomDataset(
            Empty(0x0008, 0x0060),
            Empty(0x0040, 0x0001),
            Empty(0x0040, 0x0002),
            Empty(0x0040, 0x0003),
            Empty(0x0040, 0x0007),
            Empty(0x0040, 0x0009))));

    /// <summary>Study Root at <paramref name="level"/> (STUDY, SERIES or IMAGE) with the study return keys.</summary>
    public static DicomDataset StudyRoot(string level) => new(
        DicomElement.FromStrings(DicomTags.QueryRetrieveLevel, DicomVR.CS, level),
        Empty(0x0008, 0x0020),
        Empty(0x0008, 0x0050),
        Empty(0x0010, 0x0010),
        Empty(0x0010, 0x0020),
        Empty(0x0020, 0x000D));

    /// <summary>A C-MOVE identifier at <paramref name="level"/>, without return keys.</summary>
    public static DicomDataset Move(string level) => new(DicomElement.FromStrings(DicomTags.QueryRetrieveLevel, DicomVR.CS, level));

    /// <summary>Adds or replaces the keys given as text; a sequence key is refused.</summary>
    /// <exception cref="ArgumentException">A key names a sequence.</exception>
    public static void ApplyKeys(DicomDataset identifier, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            var eq = key.IndexOf('=', StringComparison.Ordinal);
            var name = (eq < 0 ? key : key[..eq]).Trim();
            var value = eq < 0 ? string.Empty : key[(eq + 1)..];
            var tag = DicomTag.TryParse(name, out var parsed) ? parsed : DicomDictionary.TagOf(name);
            var vr = DicomDictionary.DefaultVR(tag);
            if (vr == DicomVR.SQ)
            {
                throw new ArgumentException($"Sequence keys cannot be given on the command line: {name}.", nameof(keys));
            }

            identifier.AddOrUpdate(value.Length == 0 ? new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty) : DicomElement.FromStrings(tag, vr, value.Split('\\')));
        }
    }

    private static DicomElement Empty(ushort group, ushort element)
    {
        var tag = new DicomTag(group, element);
        return new DicomElement(tag, DicomDictionary.DefaultVR(tag), ReadOnlyMemory<byte>.Empty);
    }
}
