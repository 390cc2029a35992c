using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Tests.Series;

public sealed class SeriesLoaderTests
{
    private const double Step = 5.0;

    private static readonly Vec3 First = new(-158.135803, -179.035797, -75.699997);

    private static List<TestSeries.Slice> Stack(int count, Vec3 step, Func<int, string>? name = null) =>
        [.. Enumerable.Range(0, count).Select(i => new TestSeries.Slice(First + (step * i), name?.Invoke(i) ?? $"s{i:D2}.dcm", i + 1, (short)(7 * i)))];

    [Fact]
    public void Axial_stack_matches_dcm2niix_geometry_and_values()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        TestSeries.WriteCtSmallCopies(dir, Stack(5, new Vec3(0, 0, Step)));

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir));

        Assert.Equal((128, 128, 5), (s.Volume.SizeX, s.Volume.SizeY, s.Volume.SizeZ));
        Assert.Equal(0.661468, s.Geometry.Spacing.X, 6);
        Assert.Equal(Step, s.Geometry.Spacing.Z, 6);
        Assert.False(s.Header.IsResampled);
        var (volumes, _, _) = Dcm2niix.Convert(dir, tmp.File("nii"));
        Dcm2niix.AssertSameImage(s.Volume, Assert.Single(volumes));
    }

    [Fact]
    public void Decreasing_positions_are_sorted_along_the_normal()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        // File s00 holds the highest z; positions decrease with the file order.
        TestSeries.WriteCtSmallCopies(dir, Stack(4, new Vec3(0, 0, -Step)));

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir));

        Assert.Equal(new Vec3(0, 0, 1), s.Geometry.AxisK);
        for (int k = 1; k < s.Header.Slices.Count; k++)
        {
            Assert.True(s.Header.Slices[k].Position.Z > s.Header.Slices[k - 1].Position.Z);
        }

        float[] hu = TestSeries.CtSmallHu();
        // Slice k = file s(3-k), whose stored values were offset by 7·(3-k).
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(hu[1234] + (7 * (3 - k)), s.Volume[1234 % 128, 1234 / 128, k]);
        }

        var (volumes, _, _) = Dcm2niix.Convert(dir, tmp.File("nii"));
        Dcm2niix.AssertSameImage(s.Volume, Assert.Single(volumes));
    }

    [Fact]
    public void Shuffled_file_order_gives_the_same_volume()
    {
        using var tmp = new TempDirectory();
        string a = Directory.CreateDirectory(tmp.File("a")).FullName;
        string b = Directory.CreateDirectory(tmp.File("b")).FullName;
        TestSeries.WriteCtSmallCopies(a, Stack(6, new Vec3(0, 0, Step)));
        int[] shuffle = [3, 0, 5, 1, 4, 2];
        TestSeries.WriteCtSmallCopies(b, Stack(6, new Vec3(0, 0, Step), i => $"f{shuffle[i]}.dcm"));

        LoadedSeries sa = Assert.Single(SeriesLoader.LoadDirectory(a));
        LoadedSeries sb = Assert.Single(SeriesLoader.LoadDirectory(b));

        Assert.Equal(sa.Geometry, sb.Geometry);
        Assert.Equal(sa.Volume.Data, sb.Volume.Data);
    }

    [Fact]
    public void Duplicate_position_keeps_the_first_and_reports_it()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        var slices = Stack(4, new Vec3(0, 0, Step));
        slices.Add(new TestSeries.Slice(slices[2].Position, "zz-duplicate.dcm", 99, 500));
        List<string> paths = TestSeries.WriteCtSmallCopies(dir, slices);
        string keptUid = DicomFile.Open(paths[2]).Dataset.GetString(DicomTags.SOPInstanceUID);

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir));

        Assert.Equal(4, s.Volume.SizeZ);
        Assert.Contains(s.Header.Issues, i => i.Contains("Duplicate", StringComparison.Ordinal) && i.Contains("zz-duplicate.dcm", StringComparison.Ordinal));
        Assert.Equal(keptUid, s.Header.Slices[2].Source!.SopInstanceUid);
        Assert.Equal(TestSeries.CtSmallHu()[500] + 14, s.Volume.Data[(2 * 128 * 128) + 500]);
    }

    [Fact]
    public void Missing_slice_is_rejected_by_default_and_interpolated_on_request()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        var slices = Stack(5, new Vec3(0, 0, Step));
        slices.RemoveAt(2);
        TestSeries.WriteCtSmallCopies(dir, slices);

        var e = Assert.Throws<SeriesLoadException>(() => SeriesLoader.LoadDirectory(dir));
        Assert.Contains("gap of 1 missing slice", e.Message, StringComparison.Ordinal);

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir, new SeriesLoadOptions { NonUniformSpacing = GeometryPolicy.Resample }));
        Assert.Equal(5, s.Volume.SizeZ);
        Assert.True(s.Header.IsResampled);
        Assert.Null(s.Header.Slices[2].Source);
        Assert.NotNull(s.Header.Slices[3].Source);
        Assert.Contains(s.Header.Issues, i => i.Contains("gap", StringComparison.Ordinal));
        float[] hu = TestSeries.CtSmallHu();
        // Neighbours carry offsets 7 and 21: the interpolated slice lies half-way.
        Assert.Equal(hu[777] + 14, s.Volume.Data[(2 * 128 * 128) + 777], 3);
        Assert.Equal(hu[777] + 21, s.Volume.Data[(3 * 128 * 128) + 777], 3);
    }

    [Fact]
    public void Uneven_spacing_is_reported_as_such()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        var slices = Stack(5, new Vec3(0, 0, Step));
        slices[3] = slices[3] with { Position = slices[3].Position + new Vec3(0, 0, 1.5) };
        TestSeries.WriteCtSmallCopies(dir, slices);

        var e = Assert.Throws<SeriesLoadException>(() => SeriesLoader.LoadDirectory(dir));
        Assert.Contains("spacing 6.5 mm instead of 5 mm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gantry_tilt_is_rejected_by_default_and_resampled_orthogonally_on_request()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        // Axial orientation, but each slice moves 0.661468 mm (one pixel) posterior: a sheared (tilted) stack.
        double dy = 0.661468;
        TestSeries.WriteCtSmallCopies(dir, Stack(5, new Vec3(0, dy, Step)));

        var e = Assert.Throws<SeriesLoadException>(() => SeriesLoader.LoadDirectory(dir));
        Assert.Contains("Gantry tilt", e.Message, StringComparison.Ordinal);

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir, new SeriesLoadOptions { GantryTilt = GeometryPolicy.Resample }));
        Assert.True(s.Header.IsResampled);
        Assert.Equal(new Vec3(0, 0, 1), s.Geometry.AxisK);
        Assert.Equal(Step, s.Geometry.Spacing.Z, 6);
        Assert.Equal(First, s.Geometry.Origin);
        float[] hu = TestSeries.CtSmallHu();
        // Slice k was acquired k rows further posterior: output row y of slice k is source row y - k.
        for (int k = 1; k < 5; k++)
        {
            Assert.Equal(hu[(128 * 60) + 40] + (7 * k), s.Volume[40, 60 + k, k], 3);
            Assert.Equal(-1024f, s.Volume[40, k - 1, k]);
        }

        // dcm2niix (v1.0.20220720) writes two volumes: the sheared one (slice axis along the acquisition step, every voxel
        // where the source pixel was acquired) and a tilt-corrected one "_Tilt_1" (orthogonal, 5 rows added and filled
        // with -3024). Ours is the orthogonal grid anchored at the first slice, filled with -1024 outside the source.
        // Every voxel of ours that holds a source pixel equals the sheared volume's voxel at the same position. The
        // tilt-corrected volume has our orientation and spacing, but its pixels sit one row (0.66 mm) away from where its
        // own sform puts them (it pads 5 rows and shifts by 4), so values are compared with the sheared volume only.
        var (volumes, files, _) = Dcm2niix.Convert(dir, tmp.File("nii"));
        Assert.Equal(2, volumes.Count);
        Assert.Contains(files, f => f.Contains("Tilt", StringComparison.Ordinal));
        Vec3 stepDirection = new Vec3(0, dy, Step).Normalized();
        Volume<float> sheared = Assert.Single(volumes, v => (v.Geometry.AxisK - stepDirection).Length < 1e-4);
        Volume<float> corrected = Assert.Single(volumes, v => (v.Geometry.AxisK - new Vec3(0, 0, 1)).Length < 1e-6);
        int compared = 0;
        Assert.Equal(s.Geometry.Spacing.Z, corrected.Spacing.Z, 4);
        foreach (Volume<float> theirs in new[] { sheared })
        {
            for (int k = 0; k < 5; k++)
            {
                for (int y = k; y < 128; y += 3)
                {
                    for (int x = 0; x < 128; x += 5)
                    {
                        Vec3 world = s.Volume.IndexToWorld(x, y, k);
                        Vec3 idx = theirs.WorldToIndex(world);
                        int tx = (int)Math.Round(idx.X), ty = (int)Math.Round(idx.Y), tz = (int)Math.Round(idx.Z);
                        Assert.True(theirs.Contains(tx, ty, tz), $"({x},{y},{k}) outside dcm2niix's grid");
                        Assert.True((theirs.IndexToWorld(tx, ty, tz) - world).Length < 1e-3, $"({x},{y},{k}) is not a dcm2niix voxel centre");
                        Assert.True(Math.Abs(theirs[tx, ty, tz] - s.Volume[x, y, k]) < 1e-3, $"({x},{y},{k}): dcm2niix {theirs[tx, ty, tz]}, ours {s.Volume[x, y, k]}");
                        compared++;
                    }
                }
            }
        }

        Assert.True(compared > 3000);
    }

    [Fact]
    public void Oblique_orientation_matches_dcm2niix()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        double c = Math.Cos(Math.PI / 7), sn = Math.Sin(Math.PI / 7);
        double[] iop = [c, sn, 0, -sn * Math.Cos(0.3), c * Math.Cos(0.3), Math.Sin(0.3)];
        var row = new Vec3(iop[0], iop[1], iop[2]);
        var col = new Vec3(iop[3], iop[4], iop[5]);
        Vec3 n = row.Cross(col).Normalized();
        iop = [.. iop.Select(v => Math.Round(v, 6))];
        TestSeries.WriteCtSmallCopies(dir, Stack(4, n * 3.0), iop);

        LoadedSeries s = Assert.Single(SeriesLoader.LoadDirectory(dir));

        Assert.False(s.Header.IsResampled);
        Assert.Equal(3.0, s.Geometry.Spacing.Z, 4);
        var (volumes, _, _) = Dcm2niix.Convert(dir, tmp.File("nii"));
        Dcm2niix.AssertSameImage(s.Volume, Assert.Single(volumes));
    }

    [Fact]
    public void Rle_and_jpeg_ls_compressed_series_decode_to_the_same_values()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("raw")).FullName;
        List<string> files = TestSeries.WriteCtSmallCopies(dir, Stack(3, new Vec3(0, 0, Step)));
        string rle = Directory.CreateDirectory(tmp.File("rle")).FullName;
        string jls = Directory.CreateDirectory(tmp.File("jls")).FullName;
        string jpg = Directory.CreateDirectory(tmp.File("jpg")).FullName;
        foreach (string f in files)
        {
            ExternalTool.Run("dcmcrle", f, Path.Combine(rle, Path.GetFileName(f)));
            ExternalTool.Run("dcmcjpls", f, Path.Combine(jls, Path.GetFileName(f)));
            ExternalTool.Run("dcmcjpeg", "+e1", f, Path.Combine(jpg, Path.GetFileName(f)));
        }

        LoadedSeries reference = Assert.Single(SeriesLoader.LoadDirectory(dir));
        Assert.Equal(reference.Volume.Data, Assert.Single(SeriesLoader.LoadDirectory(rle)).Volume.Data);
        Assert.Equal(reference.Volume.Data, Assert.Single(SeriesLoader.LoadDirectory(jls)).Volume.Data);
        Assert.Equal(reference.Volume.Data, Assert.Single(SeriesLoader.LoadDirectory(jpg)).Volume.Data);
        Assert.Equal("1.2.840.10008.1.2.4.70", DicomFile.Open(Path.Combine(jpg, "s00.dcm")).TransferSyntax.Uid);
        Assert.Equal("1.2.840.10008.1.2.5", DicomFile.Open(Path.Combine(rle, "s00.dcm")).TransferSyntax.Uid);
    }

    [Fact]
    public void Patient_and_study_attributes_and_identity_are_kept()
    {
        using var tmp = new TempDirectory();
        TestSeries.WriteSynthetic(tmp.Path, 13, 11, 4);
        File.WriteAllText(tmp.File("notes.txt"), "not DICOM");
        File.WriteAllBytes(tmp.File("truncated.dcm"), File.ReadAllBytes(tmp.File("syn000.dcm"))[..300]);

        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));

        Assert.Equal("Müller^Anna", h.PatientStudyAttributes.GetString(DicomTags.PatientName));
        Assert.Equal("ACC1", h.PatientStudyAttributes.GetString(new DicomTag(0x0008, 0x0050)));
        Assert.Equal(DicomFile.Open(tmp.File("syn000.dcm")).Dataset.GetString(DicomTags.StudyInstanceUID), h.StudyInstanceUid);
        Assert.False(h.PatientStudyAttributes.Contains(DicomTags.Modality));
        Assert.Equal((13, 11, 4), (h.SizeX, h.SizeY, h.SizeZ));
        Assert.Equal(new Vec3(0.7, 0.8, 2.5), h.Geometry.Spacing);
        Assert.Contains(h.Issues, i => i.Contains("notes.txt", StringComparison.Ordinal));
        Assert.Contains(h.Issues, i => i.Contains("truncated.dcm: skipped", StringComparison.Ordinal));
        Assert.Equal(4, h.SourceImages.Count);
        Assert.All(h.Slices, sl => Assert.Equal(TestSeries.CtImageStorage, sl.Source!.SopClassUid));
    }

    [Fact]
    public void Two_series_in_one_folder_load_largest_or_all()
    {
        using var tmp = new TempDirectory();
        TestSeries.WriteSynthetic(Directory.CreateDirectory(tmp.File("a")).FullName, 13, 11, 4);
        TestSeries.WriteSynthetic(Directory.CreateDirectory(tmp.File("b")).FullName, 8, 8, 6);

        LoadedSeries largest = Assert.Single(SeriesLoader.LoadDirectory(tmp.Path));
        Assert.Equal(6, largest.Volume.SizeZ);
        Assert.Contains(largest.Header.Issues, i => i.Contains("2 image stacks", StringComparison.Ordinal));

        var all = SeriesLoader.LoadDirectory(tmp.Path, new SeriesLoadOptions { Stacks = StackSelection.All });
        Assert.Equal([6, 4], all.Select(x => x.Volume.SizeZ));
        // value = stored + intercept; stored = 10·z + x + 100·y.
        Assert.Equal((10 * 3) + 5 + (100 * 7) - 1024, all[1].Volume[5, 7, 3]);
        Assert.Equal(all[1].Volume[5, 7, 3], all[1].ToInt16()[5, 7, 3]);
    }

    [Fact]
    public void Pixel_data_cut_short_fails_the_load_naming_the_file()
    {
        using var tmp = new TempDirectory();
        List<string> files = TestSeries.WriteSynthetic(tmp.Path, 13, 11, 4);
        byte[] bytes = File.ReadAllBytes(files[1]);
        File.WriteAllBytes(files[1], bytes[..^40]);

        Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        var e = Assert.Throws<SeriesLoadException>(() => SeriesLoader.LoadDirectory(tmp.Path, new SeriesLoadOptions { MaxParallelism = 2 }));
        Assert.Contains("syn001.dcm", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("MR_small_jp2klossless.dcm")]
    [InlineData("MR_small_jpeg_ls_lossless.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    public void Single_images_in_other_encodings_give_the_same_values(string name)
    {
        const string Folder = "/usr/lib/python3/dist-packages/pydicom/data/test_files/";
        LoadedSeries reference = Assert.Single(SeriesLoader.Load([Folder + "MR_small.dcm"]));
        LoadedSeries other = Assert.Single(SeriesLoader.Load([Folder + name]));

        Assert.Equal(1, reference.Volume.SizeZ);
        Assert.Equal(reference.Geometry, other.Geometry);
        Assert.Equal(reference.Volume.Data, other.Volume.Data);
        Assert.Contains(reference.Volume.Data, v => v != reference.Volume.Data[0]);
    }
}
