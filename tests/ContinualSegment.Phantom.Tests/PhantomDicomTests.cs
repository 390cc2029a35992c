using ContinualSegment.Dicom;
using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Tests;

public sealed class PhantomDicomTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cseg-phantom-dicom-" + Guid.NewGuid().ToString("N"));
    private readonly StructureCatalogue _catalogue = StructureCatalogue.LoadDefault();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<string> WriteAsync(string dir)
    {
        var writer = new PhantomDatasetWriter(_catalogue, new PhantomDicomSink());
        await writer.WriteAsync(new PhantomDatasetOptions { Task = "chest", Cases = 1, Seed = 4, OutputDirectory = dir, Size = 48, SliceSpacingMm = 6, Dicom = true }, default);
        return Path.Combine(dir, PhantomDicomSink.FolderName, "chest_0000");
    }

    [Fact]
    public async Task Series_passes_dciodvfy_and_dcm2niix_sees_our_nifti_geometry_and_values()
    {
        var series = await WriteAsync(_root);
        var files = Directory.GetFiles(series, "*.dcm").Order(StringComparer.Ordinal).ToArray();
        var ours = await NiftiReader.ReadFloatAsync(Path.Combine(_root, "imagesTr", "chest_0000_0000.nii.gz"), default);
        Assert.Equal(ours.SizeZ, files.Length);

        var (_, report) = PeerTool.Run("dciodvfy", files[0]);
        var errors = report.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));

        var niiDir = Directory.CreateDirectory(Path.Combine(_root, "dcm2niix")).FullName;
        var (code, output) = PeerTool.Run("dcm2niix", "-z", "n", "-f", "ct", "-o", niiDir, series);
        Assert.True(code == 0, output);
        var theirs = await NiftiReader.ReadFloatAsync(Path.Combine(niiDir, "ct.nii"), default);
        Assert.Equal((long)ours.SizeX * ours.SizeY * ours.SizeZ, (long)theirs.SizeX * theirs.SizeY * theirs.SizeZ);
        var random = new Random(9);
        for (var n = 0; n < 300; n++)
        {
            int i = random.Next(theirs.SizeX), j = random.Next(theirs.SizeY), k = random.Next(theirs.SizeZ);
            var index = ours.Geometry.WorldToIndex(theirs.Geometry.IndexToWorld(i, j, k));
            var (oi, oj, ok) = ((int)Math.Round(index.X), (int)Math.Round(index.Y), (int)Math.Round(index.Z));
            Assert.True(Math.Abs(index.X - oi) < 1e-3 && Math.Abs(index.Y - oj) < 1e-3 && Math.Abs(index.Z - ok) < 1e-3, $"dcm2niix voxel ({i},{j},{k}) is at our index {index}");
            Assert.Equal(ours[oi, oj, ok], theirs[i, j, k], 2);
        }
    }

    [Fact]
    public async Task Same_seed_gives_the_same_uids_and_pixels()
    {
        var a = await WriteAsync(Path.Combine(_root, "a"));
        var b = await WriteAsync(Path.Combine(_root, "b"));

        var first = Directory.GetFiles(a).Order(StringComparer.Ordinal).First();
        var second = Path.Combine(b, Path.GetFileName(first));
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
        var ds = DicomFile.Open(first).Dataset;
        Assert.True(DicomUid.IsValid(ds.GetString(DicomTags.SOPInstanceUID)));
        Assert.Equal("CT", ds.GetString(DicomDictionary.TagOf("Modality")));
    }
}
