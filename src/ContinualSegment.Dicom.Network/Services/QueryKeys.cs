namespace ContinualSegment.Dicom.Network;

/// <summary>Parses query keys given as "Keyword=value", "gggg,eeee=value" or a bare key (return key, empty value).</summary>
internal static class QueryKeys
{
    public static void Apply(DicomDataset identifier, IEnumerable<string> keys)
    {
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

    public static DicomElement Empty(ushort group, ushort element)
    {
        var tag = new DicomTag(group, element);
        return new DicomElement(tag, DicomDictionary.DefaultVR(tag), ReadOnlyMemory<byte>.Empty);
    }
}
