using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Export;

namespace ContinualSegment.Imaging.Tests.Export;

public sealed class CtSeriesWriterTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-ctw-");

    public void Dispose() => dir.Delete(recursive: true);

    private static Volume<float> ObliqueVolume()
    {
        // 10° about the patient z axis, anisotropic spacing, an off-centre origin.
        var a = 10 * Math.PI / 180;
        var geometry = new Affine3D(
            new Vec3(-101.3, -87.9, -412.5),
            new Vec3(Math.Cos(a), Math.Sin(a), 0),
            new Vec3(-Math.Sin(a), Math.Cos(a), 0),
            new Vec3(0, 0, 1),
            new Vec3(0.7, 0.8, 2.0));
        var volume = new Volume<float>(37, 29, 11, geometry);
        for (var k = 0; k < 11; k++)
        {
            for (var j = 0; j < 29; j++)
            {
                for (var i = 0; i < 37; i++)
                {
                    volume.Data[(k * 29 * 37) + (j * 37) + i] = (i * 7) - (j * 5) + (k * 31) - 500;
                }
            }
        }

        return volume;
    }

    private static CtSeriesMetadata Metadata() => new()
    {
        PatientName = "Phantom^Oblique",
        PatientId = "CSEG-OBL-1",
        PatientSex = "O",
        StudyInstanceUid = DicomUid.Generate(),
        SeriesInstanceUid = DicomUid.Generate(),
        FrameOfReferenceUid = DicomUid.Generate(),
    };

    [Fact]
    public async Task Slices_pass_dciodvfy_without_errors()
    {
        var paths = await CtSeriesWriter.WriteAsync(ObliqueVolume(), Metadata(), dir.FullName, CancellationToken.None);

        Assert.Equal(11, paths.Count);
        foreach (var path in paths.Take(2))
        {
            var (_, output) = ExternalTool.RunUnchecked("dciodvfy", path);
            var errors = output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors));
        }
    }

    [Fact]
    public async Task Dcm2niix_sees_the_same_voxels_at_the_same_patient_positions()
    {
        var volume = ObliqueVolume();
        await CtSeriesWriter.WriteAsync(volume, Metadata(), Path.Combine(dir.FullName, "ct"), CancellationToken.None);
        var outDir = Directory.CreateDirectory(Path.Combine(dir.FullName, "nii")).FullName;

        ExternalTool.Run("dcm2niix", "-z", "n", "-f", "ct", "-o", outDir, Path.Combine(dir.FullName, "ct"));
        var theirs = await NiftiReader.ReadFloatAsync(Path.Combine(outDir, "ct.nii"), CancellationToken.None);

        Assert.Equal(volume.SizeX * volume.SizeY * volume.SizeZ, theirs.SizeX * theirs.SizeY * theirs.SizeZ);
        var random = new Random(3);
        for (var n = 0; n < 200; n++)
        {
            int i = random.Next(theirs.SizeX), j = random.Next(theirs.SizeY), k = random.Next(theirs.SizeZ);
            var world = theirs.Geometry.IndexToWorld(i, j, k);
            var ours = volume.Geometry.WorldToIndex(world);
            var (oi, oj, ok) = ((int)Math.Round(ours.X), (int)Math.Round(ours.Y), (int)Math.Round(ours.Z));
            Assert.True(Math.Abs(ours.X - oi) < 1e-3 && Math.Abs(ours.Y - oj) < 1e-3 && Math.Abs(ours.Z - ok) < 1e-3, $"dcm2niix voxel ({i},{j},{k}) lands at our index {ours}");
            Assert.Equal(volume.Data[(ok * volume.SizeY * volume.SizeX) + (oj * volume.SizeX) + oi], theirs.Data[(k * theirs.SizeY * theirs.SizeX) + (j * theirs.SizeX) + i], 2);
        }
    }

    [Fact]
    public async Task Reading_the_series_back_gives_the_geometry_and_values()
    {
        var volume = ObliqueVolume();
        var metadata = Metadata();
        var paths = await CtSeriesWriter.WriteAsync(volume, metadata, dir.FullName, CancellationToken.None);

        var slice = DicomFile.Open(paths[4]).Dataset;

        Assert.Equal(CtSeriesWriter.SliceUid(metadata, 4), slice.GetString(DicomTags.SOPInstanceUID));
        var ipp = slice.GetDoubles(DicomDictionary.TagOf("ImagePositionPatient"));
        var expected = volume.Geometry.IndexToWorld(0, 0, 4);
        Assert.Equal(expected.X, ipp[0], 4);
        Assert.Equal(expected.Z, ipp[2], 4);
        var stored = slice.GetElement(DicomTags.PixelData).GetValues<short>();
        Assert.Equal(volume.Data[(4 * 29 * 37) + 5], stored[5] - 1024);
    }

    [Fact]
    public async Task A_tilted_geometry_is_refused()
    {
        var v = ObliqueVolume();
        var tilted = new Volume<float>(v.SizeX, v.SizeY, v.SizeZ, v.Geometry with { AxisK = new Vec3(0, 0.2, 0.98) });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CtSeriesWriter.WriteAsync(tilted, Metadata(), dir.FullName, CancellationToken.None));
        Assert.Contains("tilt", error.Message, StringComparison.Ordinal);
    }
}
