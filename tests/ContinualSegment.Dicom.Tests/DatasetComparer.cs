namespace ContinualSegment.Dicom.Tests;

/// <summary>Deep comparison of two data sets: tags, structure, value bytes (ignoring one even-length pad byte), optionally VRs.</summary>
internal static class DatasetComparer
{
    public static List<string> Differences(DicomDataset expected, DicomDataset actual, bool compareVR, string path = "")
    {
        var problems = new List<string>();
        var e = expected.Where(x => x.Tag.Element != 0 || x.Tag.Group == 0x0002).Select(x => x.Tag).ToList();
        var a = actual.Where(x => x.Tag.Element != 0 || x.Tag.Group == 0x0002).Select(x => x.Tag).ToList();
        if (!e.SequenceEqual(a))
        {
            problems.Add($"{path}: tags differ: missing [{string.Join(' ', e.Except(a))}] extra [{string.Join(' ', a.Except(e))}]");
            return problems;
        }

        foreach (var tag in e)
        {
            var x = expected.GetElement(tag);
            var y = actual.GetElement(tag);
            var where = path + tag;
            if (compareVR && x.VR != y.VR)
            {
                problems.Add($"{where}: VR {x.VR} became {y.VR}");
            }

            switch (x)
            {
                case DicomSequence sx when y is DicomSequence sy:
                    if (sx.Items.Count != sy.Items.Count)
                    {
                        problems.Add($"{where}: {sx.Items.Count} items became {sy.Items.Count}");
                        break;
                    }

                    for (var i = 0; i < sx.Items.Count; i++)
                    {
                        problems.AddRange(Differences(sx.Items[i], sy.Items[i], compareVR, $"{where}[{i}]."));
                    }

                    break;
                case DicomFragmentSequence fx when y is DicomFragmentSequence fy:
                    if (!fx.BasicOffsetTable.Span.SequenceEqual(fy.BasicOffsetTable.Span) || fx.Fragments.Count != fy.Fragments.Count)
                    {
                        problems.Add($"{where}: fragments differ");
                        break;
                    }

                    for (var i = 0; i < fx.Fragments.Count; i++)
                    {
                        if (!SameBytes(fx.Fragments[i].Span, fy.Fragments[i].Span))
                        {
                            problems.Add($"{where}: fragment {i} differs");
                        }
                    }

                    break;
                case DicomSequence or DicomFragmentSequence:
                    problems.Add($"{where}: element kind changed to {y.GetType().Name}");
                    break;
                default:
                    if (y is DicomSequence or DicomFragmentSequence)
                    {
                        problems.Add($"{where}: element kind changed to {y.GetType().Name}");
                    }
                    else if (!SameBytes(x.Value.Span, y.Value.Span))
                    {
                        problems.Add($"{where}: value differs ({x.Length} vs {y.Length} bytes)");
                    }

                    break;
            }
        }

        return problems;
    }

    /// <summary>Equal, or equal after the single pad byte that makes an odd-length value even.</summary>
    private static bool SameBytes(ReadOnlySpan<byte> original, ReadOnlySpan<byte> written) =>
        original.SequenceEqual(written)
        || ((original.Length & 1) == 1 && written.Length == original.Length + 1 && written[..original.Length].SequenceEqual(original));
}
