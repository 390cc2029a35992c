namespace ContinualSegment.Dicom;

/// <summary>One data dictionary entry. Repeating-group entries (e.g. 60xx) cover a range of tags.</summary>
public sealed class DicomDictionaryEntry
{
    internal DicomDictionaryEntry(ushort groupMin, ushort groupMax, byte groupParity, ushort elementMin, ushort elementMax, byte elementParity, IReadOnlyList<DicomVR> vrs, string vm, string keyword, bool retired)
    {
        GroupMin = groupMin;
        GroupMax = groupMax;
        GroupParity = groupParity;
        ElementMin = elementMin;
        ElementMax = elementMax;
        ElementParity = elementParity;
        ValueRepresentations = vrs;
        ValueMultiplicity = vm;
        Keyword = keyword;
        IsRetired = retired;
    }

    /// <summary>The first tag the entry covers (the tag itself for a non-repeating entry).</summary>
    public DicomTag Tag => new(GroupMin, ElementMin);

    /// <summary>True when the entry covers a range of groups or elements (e.g. (60xx,3000)).</summary>
    public bool IsRange => GroupMin != GroupMax || ElementMin != ElementMax;

    /// <summary>The allowed VRs; the first is used for implicit VR encoding. Empty for item delimiters.</summary>
    public IReadOnlyList<DicomVR> ValueRepresentations { get; }

    /// <summary>The default VR (first allowed), or UN when none.</summary>
    public DicomVR VR => ValueRepresentations.Count > 0 ? ValueRepresentations[0] : DicomVR.UN;

    /// <summary>Value multiplicity as written in PS3.6, e.g. "1", "1-n", "2-2n".</summary>
    public string ValueMultiplicity { get; }

    public string Keyword { get; }

    public bool IsRetired { get; }

    internal ushort GroupMin { get; }

    internal ushort GroupMax { get; }

    internal byte GroupParity { get; }

    internal ushort ElementMin { get; }

    internal ushort ElementMax { get; }

    internal byte ElementParity { get; }

    /// <summary>True when this entry covers <paramref name="tag"/>.</summary>
    public bool Matches(DicomTag tag) =>
        InRange(tag.Group, GroupMin, GroupMax, GroupParity) && InRange(tag.Element, ElementMin, ElementMax, ElementParity);

    /// <summary>The tag pattern, e.g. "(0010,0010)" or "(6000-60FF,3000)".</summary>
    public override string ToString()
    {
        var g = GroupMin == GroupMax ? $"{GroupMin:X4}" : $"{GroupMin:X4}-{GroupMax:X4}";
        var e = ElementMin == ElementMax ? $"{ElementMin:X4}" : $"{ElementMin:X4}-{ElementMax:X4}";
        return $"({g},{e}) {string.Join('/', ValueRepresentations)} {ValueMultiplicity} {Keyword}";
    }

    private static bool InRange(ushort v, ushort min, ushort max, byte parity) =>
        v >= min && v <= max && (parity == 2 || (v & 1) == parity);
}
