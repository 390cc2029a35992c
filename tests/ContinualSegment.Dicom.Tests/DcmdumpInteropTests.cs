using System.Globalization;
using System.Text;

namespace ContinualSegment.Dicom.Tests;

/// <summary>Reads every pydicom test file with our reader and with dcmdump, and compares tags, structure and values.</summary>
public class DcmdumpInteropTests
{
    private static readonly HashSet<string> ComparedStringVRs = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"];
    private static readonly HashSet<string> ComparedNumberVRs = ["US", "SS", "UL", "SL", "FL", "FD", "SV", "UV"];

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in PeerTools.PydicomFiles())
        {
            data.Add(Path.GetRelativePath(PeerTools.PydicomData, f));
        }

        return data;
    }

    [Fact]
    public void Test_data_is_present_and_large()
    {
        Assert.True(PeerTools.PydicomFiles().Count() >= 60, "expected pydicom's test_files and charset_files to hold at least 60 DICOM files");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Reader_agrees_with_dcmdump(string relativePath)
    {
        var path = Path.Combine(PeerTools.PydicomData, relativePath);
        var dcmdump = PeerTools.Which("dcmdump");
        var (exit, stdout, stderr) = PeerTools.Run(dcmdump, "+L", path);

        DicomFile? ours = null;
        DicomException? error = null;
        try
        {
            ours = DicomFile.Open(path);
        }
        catch (DicomException ex)
        {
            error = ex;
        }

        if (exit != 0)
        {
            if (error is not null)
            {
                return; // both reject the file
            }

            // dcmdump rejects a file we read (a quirk we accept, e.g. a data set encoded in another VR mode than
            // declared): pydicom must read it and agree on the top-level tags.
            var (pyExit, pyOut, pyErr) = PeerTools.Run(PeerTools.Python, "-c",
                "import sys, pydicom\nd = pydicom.dcmread(sys.argv[1], force=True)\nfor e in d.file_meta: print('%08x' % e.tag)\nfor e in d: print('%08x' % e.tag)", path);
            Assert.True(pyExit == 0, $"dcmdump failed ({stderr.Trim()}), we read the file, and pydicom failed too: {pyErr}");
            var pyTags = pyOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => uint.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToHashSet();
            var ourTags = ours!.FileMetaInformation.Concat(ours.Dataset).Select(e => e.Tag.Value).ToHashSet();
            Assert.Equal(pyTags.Order(), ourTags.Order());
            return;
        }

        Assert.True(error is null, $"dcmdump reads {relativePath} but we threw: {error?.Message}");
        var expected = DcmdumpParser.Parse(stdout);
        Assert.NotEmpty(expected);
        var problems = new List<string>();
        var top = new DicomDataset();
        foreach (var e in ours!.FileMetaInformation)
        {
            top.AddOrUpdate(e);
        }

        foreach (var e in ours.Dataset)
        {
            top.AddOrUpdate(e);
        }

        Compare(expected, top, string.Empty, problems);
        Assert.True(problems.Count == 0, $"{relativePath}:\n" + string.Join('\n', problems.Take(30)));
    }

    private static void Compare(List<DumpNode> expected, DicomDataset actual, string path, List<string> problems)
    {
        var expectedTags = expected.Select(n => n.Tag).ToList();
        var actualTags = actual.Select(e => e.Tag).ToList();
        foreach (var missing in expectedTags.Except(actualTags))
        {
            problems.Add($"{path}{missing}: dcmdump shows it, we do not");
        }

        foreach (var extra in actualTags.Except(expectedTags))
        {
            problems.Add($"{path}{extra}: we have it, dcmdump does not");
        }

        foreach (var node in expected)
        {
            if (!actual.TryGetElement(node.Tag, out var element))
            {
                continue;
            }

            var where = $"{path}{node.Tag}";
            if (element is DicomSequence sq)
            {
                if (node.VR != "SQ")
                {
                    problems.Add($"{where}: we read a sequence, dcmdump shows {node.VR}");
                    continue;
                }

                if (sq.Items.Count != node.Items.Count)
                {
                    problems.Add($"{where}: {sq.Items.Count} items, dcmdump {node.Items.Count}");
                    continue;
                }

                for (var i = 0; i < sq.Items.Count; i++)
                {
                    Compare(node.Items[i], sq.Items[i], $"{where}[{i}].", problems);
                }

                continue;
            }

            if (element is DicomFragmentSequence fragments)
            {
                if (fragments.Fragments.Count + 1 != node.Fragments)
                {
                    problems.Add($"{where}: {fragments.Fragments.Count + 1} fragment items, dcmdump {node.Fragments}");
                }

                continue;
            }

            if (node.VR != element.VR.Code || node.Value.StartsWith('=') || node.Value.StartsWith('(') || node.Value.EndsWith("...", StringComparison.Ordinal))
            {
                continue; // a different VR (private dictionary in implicit VR), a named UID, or a cut value: not compared
            }

            if (ComparedStringVRs.Contains(node.VR))
            {
                var theirs = Normalize(node.Value.StartsWith('[') && node.Value.EndsWith(']') ? node.Value[1..^1] : node.Value, element.VR);
                var ours = Normalize(Encoding.Latin1.GetString(element.Value.Span), element.VR);
                if (theirs != ours)
                {
                    problems.Add($"{where} {node.VR}: we '{ours}', dcmdump '{theirs}'");
                }
            }
            else if (ComparedNumberVRs.Contains(node.VR))
            {
                var theirs = node.Value.Split('\\');
                var ours = element.GetDoubles();
                if (theirs.Length != ours.Length)
                {
                    problems.Add($"{where} {node.VR}: we have {ours.Length} values, dcmdump {theirs.Length}");
                    continue;
                }

                for (var i = 0; i < ours.Length; i++)
                {
                    var t = double.Parse(theirs[i], NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (Math.Abs(t - ours[i]) > 1e-5 * Math.Max(1, Math.Abs(t)))
                    {
                        problems.Add($"{where} {node.VR}[{i}]: we {ours[i]}, dcmdump {t}");
                    }
                }
            }
        }
    }

    private static string Normalize(string text, DicomVR vr)
    {
        var values = vr.IsMultiValuedString ? text.Split('\\') : [text];
        return string.Join('\\', values.Select(v => v.Trim(' ', '\0'))).Replace("\r", string.Empty, StringComparison.Ordinal);
    }
}
