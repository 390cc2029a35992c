using System.Globalization;
using System.Text;

namespace ContinualSegment.Dicom;

/// <summary>
/// Prints a dcmdump-style listing: one line per element,
/// <c>(gggg,eeee) VR value  # length, VM Keyword</c>, with nested items indented.
/// </summary>
public static class DicomDumper
{
    private const int ValueColumn = 40;

    /// <summary>Dumps meta information and data set of a file.</summary>
    public static void Dump(DicomFile file, TextWriter writer, int maxValueLength = 64)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine();
        if (file.FileMetaInformation.Count > 0)
        {
            writer.WriteLine("# Dicom-Meta-Information-Header");
            writer.WriteLine("# Used TransferSyntax: Little Endian Explicit");
            Dump(file.FileMetaInformation, writer, maxValueLength);
            writer.WriteLine();
        }

        writer.WriteLine("# Dicom-Data-Set");
        writer.WriteLine($"# Used TransferSyntax: {file.TransferSyntax.Name}");
        Dump(file.Dataset, writer, maxValueLength);
    }

    /// <summary>Dumps a data set; values longer than <paramref name="maxValueLength"/> characters are cut with "..." (0: print all).</summary>
    public static void Dump(DicomDataset dataset, TextWriter writer, int maxValueLength = 64)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(writer);
        DumpItems(dataset, writer, 0, maxValueLength);
    }

    /// <summary>The dump of a data set as a string.</summary>
    public static string ToText(DicomDataset dataset, int maxValueLength = 64)
    {
        using var sw = new StringWriter(CultureInfo.InvariantCulture);
        Dump(dataset, sw, maxValueLength);
        return sw.ToString();
    }

    private static void DumpItems(DicomDataset dataset, TextWriter w, int depth, int max)
    {
        foreach (var e in dataset)
        {
            switch (e)
            {
                case DicomSequence sq:
                    Line(w, depth, e.Tag, "SQ", $"(Sequence with {(sq.HadUndefinedLength ? "undefined" : "explicit")} length #={sq.Items.Count})", -1, 1, Keyword(e.Tag));
                    foreach (var item in sq.Items)
                    {
                        Line(w, depth + 1, DicomTags.Item, "na", $"(Item with undefined length #={item.Count})", -1, 1, "Item");
                        DumpItems(item, w, depth + 2, max);
                        Line(w, depth + 1, DicomTags.ItemDelimitationItem, "na", "(ItemDelimitationItem)", 0, 0, "ItemDelimitationItem");
                    }

                    Line(w, depth, DicomTags.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", 0, 0, "SequenceDelimitationItem");
                    break;
                case DicomFragmentSequence f:
                    Line(w, depth, e.Tag, e.VR.Code, $"(PixelSequence #={f.Fragments.Count + 1})", -1, 1, Keyword(e.Tag));
                    Line(w, depth + 1, DicomTags.Item, "pi", Hex(f.BasicOffsetTable.Span, 1, max), f.BasicOffsetTable.Length, 1, "Item");
                    foreach (var fragment in f.Fragments)
                    {
                        Line(w, depth + 1, DicomTags.Item, "pi", Hex(fragment.Span, 1, max), fragment.Length, 1, "Item");
                    }

                    Line(w, depth, DicomTags.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", 0, 0, "SequenceDelimitationItem");
                    break;
                default:
                    Line(w, depth, e.Tag, e.VR.Code, FormatValue(e, dataset, max), e.Length, e.ValueCount, Keyword(e.Tag));
                    break;
            }
        }
    }

    private static string Keyword(DicomTag tag)
    {
        if (tag.IsPrivateCreator)
        {
            return "PrivateCreator";
        }

        if (tag.Element == 0)
        {
            return tag.Group == 0x0002 ? "FileMetaInformationGroupLength" : "GenericGroupLength";
        }

        var k = DicomDictionary.KeywordOf(tag);
        return k.Length > 0 ? k : "Unknown Tag & Data";
    }

    /// <summary>The value as dcmdump shows it: [text], numbers separated by backslashes, hex bytes, or "(no value available)".</summary>
    public static string FormatValue(DicomElement element, DicomDataset? owner = null, int maxValueLength = 64)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Length == 0)
        {
            return "(no value available)";
        }

        var vr = element.VR;
        string text;
        if (vr.IsString)
        {
            text = owner is null ? element.GetString() : element.GetString(owner.SpecificCharacterSet, owner.TextDecoder);
            if (vr == DicomVR.UI)
            {
                var info = DicomUids.LookupByUid(text);
                return info is not null ? "=" + info.Keyword : "[" + Cut(text, maxValueLength) + "]";
            }

            return "[" + Cut(text, maxValueLength) + "]";
        }

        if (vr == DicomVR.OB || vr == DicomVR.UN)
        {
            return Hex(element.Value.Span, 1, maxValueLength);
        }

        if (vr == DicomVR.OW)
        {
            return Hex(element.Value.Span, 2, maxValueLength);
        }

        if (vr == DicomVR.OL || vr == DicomVR.OF)
        {
            return Hex(element.Value.Span, 4, maxValueLength);
        }

        if (vr == DicomVR.OD || vr == DicomVR.OV)
        {
            return Hex(element.Value.Span, 8, maxValueLength);
        }

        var sb = new StringBuilder();
        var n = element.ValueCount;
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append('\\');
            }

            if (vr == DicomVR.AT)
            {
                var t = element.GetTag(i);
                sb.Append(CultureInfo.InvariantCulture, $"({t.Group:x4},{t.Element:x4})");
            }
            else
            {
                sb.Append(element.GetDouble(i).ToString(vr == DicomVR.FL ? "G7" : "R", CultureInfo.InvariantCulture));
            }

            if (maxValueLength > 0 && sb.Length > maxValueLength)
            {
                return sb.ToString(0, maxValueLength) + "...";
            }
        }

        return sb.ToString();
    }

    private static string Cut(string text, int max) => max > 0 && text.Length > max ? text[..max] + "..." : text;

    private static string Hex(ReadOnlySpan<byte> bytes, int unit, int max)
    {
        if (bytes.IsEmpty)
        {
            return "(no value available)";
        }

        var sb = new StringBuilder();
        for (var i = 0; i + unit <= bytes.Length; i += unit)
        {
            if (i > 0)
            {
                sb.Append('\\');
            }

            for (var b = unit - 1; b >= 0; b--)
            {
                sb.Append(bytes[i + b].ToString("x2", CultureInfo.InvariantCulture));
            }

            if (max > 0 && sb.Length > max)
            {
                sb.Append("...");
                break;
            }
        }

        return sb.ToString();
    }

    private static void Line(TextWriter w, int depth, DicomTag tag, string vr, string value, int length, int vm, string keyword)
    {
        var sb = new StringBuilder();
        sb.Append(' ', depth * 2);
        sb.Append(CultureInfo.InvariantCulture, $"({tag.Group:x4},{tag.Element:x4}) {vr} {value}");
        var pad = (depth * 2) + 12 + ValueColumn - sb.Length;
        if (pad > 0)
        {
            sb.Append(' ', pad);
        }

        sb.Append(" # ");
        sb.Append(length < 0 ? "u/l" : length.ToString(CultureInfo.InvariantCulture).PadLeft(3));
        sb.Append(CultureInfo.InvariantCulture, $", {vm} {keyword}");
        w.WriteLine(sb.ToString());
    }
}
