using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Contours;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.RtStruct;

namespace ContinualSegment.Imaging.Tests.RtStruct;

public sealed class RtStructTests : IDisposable
{
    private const int Nx = 64, Ny = 56, Nz = 16;
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-rt-");
    private readonly SyntheticCtSeries ct;
    private readonly Volume<ushort> organs;
    private readonly Volume<ushort> nested;

    public RtStructTests()
    {
        var geometry = Affine3D.Axial(new Vec3(-120.5, -80.25, 30), new Vec3(0.9, 0.9, 2.5));
        ct = new SyntheticCtSeries(Nx, Ny, Nz, geometry);
        organs = new Volume<ushort>(Nx, Ny, Nz, geometry);
        nested = new Volume<ushort>(Nx, Ny, Nz, geometry);
        for (var k = 2; k < 14; k++)
        {
            for (var j = 0; j < Ny; j++)
            {
                for (var i = 0; i < Nx; i++)
                {
                    var index = (k * Nx * Ny) + (j * Nx) + i;
                    var dBig = Math.Sqrt(((i - 24) * (i - 24)) + ((j - 28) * (j - 28)));
                    if (dBig <= 16 && dBig > 5)
                    {
                        organs.Data[index] = 1; // a ring: one hole per slice
                    }

                    if (Math.Abs(i - 52) <= 5 && (Math.Abs(j - 12) <= 4 || Math.Abs(j - 40) <= 4))
                    {
                        organs.Data[index] = 2; // two islands per slice
                    }

                    if (dBig <= 9 && dBig > 5 && i < 24)
                    {
                        nested.Data[index] = 7; // overlaps organ 1
                    }
                }
            }
        }
    }

    public void Dispose() => dir.Delete(recursive: true);

    private RtStructRequest Request() => new(
        ct.SourceAttributes(),
        ct.SopInstanceUids.Select(uid => new RtReferencedImage(CtSeriesWriter.CtImageStorage, uid)).ToList(),
        ct.FrameOfReferenceUid,
        [organs, nested],
        [
            new RtRoi(1, "Liver", new RgbColor(40, 140, 40), "ORGAN", 0, 1, new CodedConcept("10200004", "SCT", "Liver")),
            new RtRoi(2, "Kidney_R", new RgbColor(34, 102, 136), "ORGAN", 0, 2),
            new RtRoi(3, "GTV_Liver", new RgbColor(255, 0, 0), "GTV", 1, 7),
        ]);

    private string WriteStructureSet(RtStructOptions options)
    {
        var file = RtStructBuilder.Build(Request(), options, null, null, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(dir.FullName, "rtstruct.dcm");
        file.Save(path);
        return path;
    }

    private static double Dice(byte[] a, Func<int, bool> b)
    {
        long both = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var ia = a[i] != 0;
            var ib = b(i);
            both += ia && ib ? 1 : 0;
            na += ia ? 1 : 0;
            nb += ib ? 1 : 0;
        }

        return 2.0 * both / (na + nb);
    }

    [Theory]
    [InlineData(HoleMode.Keyhole)]
    [InlineData(HoleMode.Xor)]
    public void Structure_set_reads_back_to_the_label_maps(HoleMode holes)
    {
        var path = WriteStructureSet(new RtStructOptions(ToleranceMm: 0.5, Holes: holes));

        var rois = RtStructReader.Read(DicomFile.Open(path).Dataset, (Nx, Ny, Nz), organs.Geometry);

        Assert.Equal(3, rois.Count);
        Assert.Equal("Liver", rois[0].Name);
        Assert.Equal(new RgbColor(40, 140, 40), rois[0].Colour);
        Assert.Equal("GTV", rois[2].InterpretedType);
        Assert.True(Dice(rois[0].Mask.Data, i => organs.Data[i] == 1) >= 0.97);
        Assert.True(Dice(rois[1].Mask.Data, i => organs.Data[i] == 2) >= 0.97);
        Assert.True(Dice(rois[2].Mask.Data, i => nested.Data[i] == 7) >= 0.95);
    }

    [Fact]
    public void Every_contour_references_its_slice_and_has_short_ds_values()
    {
        var path = WriteStructureSet(new RtStructOptions());
        var ds = DicomFile.Open(path).Dataset;

        var contours = ((DicomSequence)ds.GetElement(DicomDictionary.TagOf("ROIContourSequence"))).Items
            .SelectMany(i => ((DicomSequence)i.GetElement(DicomDictionary.TagOf("ContourSequence"))).Items)
            .ToList();
        Assert.NotEmpty(contours);
        foreach (var contour in contours)
        {
            var data = contour.GetDoubles(DicomDictionary.TagOf("ContourData"));
            Assert.Equal(contour.GetInt32(DicomDictionary.TagOf("NumberOfContourPoints")) * 3, data.Length);
            Assert.True(data.Length >= 9);
            Assert.All(contour.GetStrings(DicomDictionary.TagOf("ContourData")), v => Assert.InRange(v.Length, 1, 16));
            var z = data[2];
            var k = (int)Math.Round((z - 30) / 2.5);
            var image = ((DicomSequence)contour.GetElement(DicomDictionary.TagOf("ContourImageSequence"))).Items.Single();
            Assert.Equal(ct.SopInstanceUids[k], image.GetString(DicomDictionary.TagOf("ReferencedSOPInstanceUID")));
        }

        // Two islands of ROI 2 on each of 12 slices, one keyhole contour of ROI 1 on each.
        var roi2 = ((DicomSequence)ds.GetElement(DicomDictionary.TagOf("ROIContourSequence"))).Items[1];
        Assert.Equal(24, ((DicomSequence)roi2.GetElement(DicomDictionary.TagOf("ContourSequence"))).Items.Count);
    }

    [Fact]
    public void Dciodvfy_reports_no_errors()
    {
        var path = WriteStructureSet(new RtStructOptions());

        var (_, output) = ExternalTool.RunUnchecked("dciodvfy", path);

        var errors = output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.Contains("RTStructureSet", output.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Plastimatch_rasterises_the_structure_set_like_our_label_maps()
    {
        var ctDir = Path.Combine(dir.FullName, "ct");
        await ct.WriteAsync(ctDir, (i, j, k) => (short)(organs.Data[(k * Nx * Ny) + (j * Nx) + i] != 0 ? 40 : -1000));
        var path = WriteStructureSet(new RtStructOptions());
        var outDir = Path.Combine(dir.FullName, "plastimatch");

        var (code, output) = ExternalTool.RunUnchecked("plastimatch", "convert", "--input", path, "--referenced-ct", ctDir, "--output-prefix", outDir, "--prefix-format", "mha");

        Assert.True(code == 0, output);
        var liver = MetaImage.Read(Path.Combine(outDir, "Liver.mha"));
        var kidney = MetaImage.Read(Path.Combine(outDir, "Kidney_R.mha"));
        Assert.Equal((Nx, Ny, Nz), liver.Size);
        Assert.Equal(organs.Geometry.Origin.X, liver.Origin.X, 3);
        Assert.Equal(organs.Geometry.Origin.Y, liver.Origin.Y, 3);
        Assert.Equal(organs.Geometry.Origin.Z, liver.Origin.Z, 3);
        Assert.True(Dice(liver.Data, i => organs.Data[i] == 1) >= 0.97, $"liver Dice {Dice(liver.Data, i => organs.Data[i] == 1)}");
        Assert.True(Dice(kidney.Data, i => organs.Data[i] == 2) >= 0.97, $"kidney Dice {Dice(kidney.Data, i => organs.Data[i] == 2)}");
    }

    [Fact]
    public void Bad_requests_are_refused_with_a_reason()
    {
        var request = Request();
        var wrongImages = request with { Images = request.Images.Take(3).ToList() };
        var duplicateNumber = request with { Rois = [request.Rois[0], request.Rois[0]] };
        var badType = request with { Rois = [request.Rois[0] with { InterpretedType = "KIDNEY" }] };

        Assert.Contains("referenced images", Assert.Throws<ArgumentException>(() => RtStructBuilder.Build(wrongImages, new RtStructOptions(), null, null, DateTimeOffset.UnixEpoch)).Message, StringComparison.Ordinal);
        Assert.Contains("not unique", Assert.Throws<ArgumentException>(() => RtStructBuilder.Build(duplicateNumber, new RtStructOptions(), null, null, DateTimeOffset.UnixEpoch)).Message, StringComparison.Ordinal);
        Assert.Contains("defined term", Assert.Throws<ArgumentException>(() => RtStructBuilder.Build(badType, new RtStructOptions(), null, null, DateTimeOffset.UnixEpoch)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.001, "0")]
    [InlineData(-123456.789, "-123456.79")]
    [InlineData(12.5, "12.5")]
    [InlineData(-987654321.12, "-987654321.12")]
    public void Ds_values_fit_sixteen_characters(double value, string expected)
    {
        Assert.Equal(expected, ContourDataText.Format(value));
        Assert.True(expected.Length <= 16);
    }
}
