using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ContinualSegment.Cli.Tests;

public sealed partial class DicomDumpCommandTests
{
    private const string CtSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";

    [GeneratedRegex(@"^\((?<tag>[0-9a-fA-F]{4},[0-9a-fA-F]{4})\) (?<vr>[A-Z]{2})", RegexOptions.Multiline)]
    private static partial Regex TopLevelElement();

    [Fact]
    public async Task Dump_lists_the_same_top_level_elements_and_vrs_as_dcmdump()
    {
        var (code, output, _) = await CsegRunner.RunAsync("dicom", "dump", CtSmall);

        Assert.Equal(0, code);
        var ours = TopLevelElement().Matches(output).Select(m => $"{m.Groups["tag"].Value.ToUpperInvariant()} {m.Groups["vr"].Value}").ToList();
        var theirs = TopLevelElement().Matches(Dcmdump(CtSmall)).Select(m => $"{m.Groups["tag"].Value.ToUpperInvariant()} {m.Groups["vr"].Value}").ToList();
        Assert.True(theirs.Count > 50);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task Header_option_stops_before_the_pixel_data()
    {
        var (code, output, _) = await CsegRunner.RunAsync("dicom", "dump", "--header", CtSmall);

        Assert.Equal(0, code);
        Assert.Contains("(0028,0010) US", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(7fe0,0010)", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_file_that_is_not_dicom_fails_with_one_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "this is not a DICOM file, but it is long enough to be read as one\n");

            var (code, _, error) = await CsegRunner.RunAsync("dicom", "dump", path);

            Assert.Equal(1, code);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Dcmdump(string path)
    {
        var start = new ProcessStartInfo("dcmdump") { RedirectStandardOutput = true };
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
