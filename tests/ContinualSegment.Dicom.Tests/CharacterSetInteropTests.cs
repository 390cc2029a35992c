using System.Text;

namespace ContinualSegment.Dicom.Tests;

/// <summary>Person names of pydicom's character set files decode as pydicom decodes them (through the data set's text decoder).</summary>
public class CharacterSetInteropTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(PeerTools.PydicomData, "charset_files"), "*.dcm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Patient_name_matches_pydicom(string name)
    {
        var path = Path.Combine(PeerTools.PydicomData, "charset_files", name);
        var (exit, stdout, stderr) = PeerTools.Run(PeerTools.Python, "-c",
            "import sys, pydicom\nd = pydicom.dcmread(sys.argv[1])\nv = d.get('PatientName')\nsys.stdout.buffer.write(('' if v is None else str(v)).encode('utf-8'))", path);
        Assert.True(exit == 0, stderr);
        var expected = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(stdout)); // the runner reads stdout as Latin-1
        var ds = DicomFile.Open(path).Dataset;
        var actual = ds.GetStringOrDefault(DicomTags.PatientName);
        // pydicom prints a name without its trailing empty component groups ("A=B=" as "A=B").
        Assert.Equal(expected.TrimEnd(' '), actual.TrimEnd('='));
        Assert.Equal(DicomPersonName.Parse(actual).Alphabetic, DicomPersonName.Parse(expected).Alphabetic);
    }
}
