using System.Globalization;
using System.Text.Json;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Segmentation;

public sealed class SegmentationTests
{
    private static readonly SegmentAlgorithm Algorithm = new("ContinualSegment", "enc1+dec3");

    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    /// <summary>Two label maps on the header's grid: layer 0 holds labels 1..3 in random blobs, layer 1 label 7 overlapping them.</summary>
    private static List<Volume<ushort>> MakeLayers(SeriesHeader h, int seed)
    {
        var rng = new Random(seed);
        var a = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        var b = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        for (int z = 1; z < h.SizeZ; z++)
        {
            for (int y = 0; y < h.SizeY; y++)
            {
                for (int x = 0; x < h.SizeX; x++)
                {
                    double r = rng.NextDouble();
                    if (z != 2)
                    {
                        a[x, y, z] = r < 0.2 ? (ushort)1 : r < 0.3 ? (ushort)2 : r < 0.35 && z < 3 ? (ushort)3 : (ushort)0;
                    }

                    b[x, y, z] = rng.NextDouble() < 0.25 && z > 2 ? (ushort)7 : (ushort)0;
                }
            }
        }

        return [a, b];
    }

    private static List<SegmentInput> MakeSegments() =>
    [
        new(SegmentDescription.FromStructure(Catalogue["spleen"], Algorithm), 0, 1),
        new(SegmentDescription.FromStructure(Catalogue["kidney_right"], Algorithm), 0, 2),
        new(SegmentDescription.FromStructure(Catalogue["kidney_left"], Algorithm), 0, 3),
        new(SegmentDescription.FromStructure(Catalogue["liver"], Algorithm), 0, 4),
        new(SegmentDescription.FromStructure(Catalogue["kidney_left"], Algorithm) with { Label = "Manual kidney", Algorithm = null, Description = "drawn" }, 1, 7),
    ];

    private static Volume<byte> Expected(List<Volume<ushort>> layers, SegmentInput s)
    {
        Volume<ushort> layer = layers[s.Layer];
        var mask = layer.CreateLike<byte>();
        for (int i = 0; i < layer.Length; i++)
        {
            mask.Data[i] = layer.Data[i] == s.Label ? (byte)1 : (byte)0;
        }

        return mask;
    }

    private static SeriesHeader SyntheticHeader(TempDirectory tmp, int columns = 13, int rows = 11, int slices = 6)
    {
        string dir = Directory.CreateDirectory(tmp.File("ct")).FullName;
        TestSeries.WriteSynthetic(dir, columns, rows, slices);
        return Assert.Single(SeriesLoader.LoadHeadersFromDirectory(dir));
    }

    [Fact]
    public void Round_trip_restores_every_mask_and_description()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        List<Volume<ushort>> layers = MakeLayers(h, 1);
        List<SegmentInput> segments = MakeSegments();
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, layers, segments)).Save(path);

        SegmentationContent read = SegmentationReader.Read(path, h);

        Assert.Equal(segments.Count, read.Segments.Count);
        int expectedFrames = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            Volume<byte> expected = Expected(layers, segments[s]);
            Assert.Equal(expected.Data, read.GetMask(s + 1).Data);
            expectedFrames += Enumerable.Range(0, h.SizeZ).Count(z => expected.Slice(z).Contains((byte)1));
            SegmentDescription d = read.Segments[s].Description;
            SegmentDescription want = segments[s].Description;
            Assert.Equal(s + 1, read.Segments[s].Number);
            Assert.Equal(want.Label, d.Label);
            Assert.Equal(want.Category, d.Category);
            Assert.Equal(want.Type, d.Type);
            Assert.Equal(want.TypeModifier, d.TypeModifier);
            Assert.Equal(want.TrackingId, d.TrackingId);
            Assert.Equal(want.Algorithm?.Name, d.Algorithm?.Name);
            Assert.True(Math.Abs(want.Color.R - d.Color.R) <= 1 && Math.Abs(want.Color.G - d.Color.G) <= 1 && Math.Abs(want.Color.B - d.Color.B) <= 1);
        }

        Assert.Equal(expectedFrames, read.FrameCount);
        Assert.Empty(read.SlicesOf(4));
        Assert.Equal("MANUAL", read.Segments[4].AlgorithmType);
        Assert.Equal(new CodedConcept("7771000", "SCT", "Left"), read.Segments[2].Description.TypeModifier);

        // Label map: the later segment wins where segments overlap.
        Volume<ushort> map = read.ToLabelMap();
        for (int i = 0; i < map.Length; i++)
        {
            ushort want = layers[1].Data[i] == 7 ? (ushort)5 : layers[0].Data[i];
            Assert.Equal(want, map.Data[i]);
        }
    }

    private const string PydicomDump = """
import json, sys
import pydicom
ds = pydicom.dcmread(sys.argv[1])
arr = ds.pixel_array
if arr.ndim == 2:
    arr = arr[None]
frames = []
for i, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    frames.append({
        "segment": int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
        "ipp": [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient],
        "source": str(f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID) if "DerivationImageSequence" in f else "",
        "ones": [int(v) for v in arr[i].flatten().nonzero()[0]],
    })
segments = [{"number": int(s.SegmentNumber), "label": str(s.SegmentLabel),
             "type": str(s.SegmentedPropertyTypeCodeSequence[0].CodeValue),
             "modifier": str(s.SegmentedPropertyTypeCodeSequence[0].SegmentedPropertyTypeModifierCodeSequence[0].CodeValue) if "SegmentedPropertyTypeModifierCodeSequence" in s.SegmentedPropertyTypeCodeSequence[0] else "",
             "lab": [int(v) for v in s.RecommendedDisplayCIELabValue]} for s in ds.SegmentSequence]
print(json.dumps({"shape": list(arr.shape), "frames": frames, "segments": segments}))
""";

    [Fact]
    public void Pydicom_unpacks_the_same_masks_from_frames_not_a_multiple_of_8_bits()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp); // 13 × 11 = 143 bits per frame
        List<Volume<ushort>> layers = MakeLayers(h, 2);
        List<SegmentInput> segments = MakeSegments();
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, layers, segments)).Save(path);

        string json = ExternalTool.Run(ExternalTool.Python, "-c", PydicomDump, path);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        JsonElement frames = root.GetProperty("frames");
        Assert.Equal([frames.GetArrayLength(), 11, 13], root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var seen = new HashSet<(int, int)>();
        foreach (JsonElement f in frames.EnumerateArray())
        {
            int segment = f.GetProperty("segment").GetInt32();
            double[] ipp = [.. f.GetProperty("ipp").EnumerateArray().Select(e => e.GetDouble())];
            Vec3 index = h.Geometry.WorldToIndex(new Vec3(ipp[0], ipp[1], ipp[2]));
            int z = (int)Math.Round(index.Z);
            Assert.True(Math.Abs(index.Z - z) < 1e-3 && Math.Abs(index.X) < 1e-3 && Math.Abs(index.Y) < 1e-3);
            Assert.Equal(h.Slices[z].Source!.SopInstanceUid, f.GetProperty("source").GetString());
            Assert.True(seen.Add((segment, z)));
            Volume<byte> expected = Expected(layers, segments[segment - 1]);
            int[] ones = [.. f.GetProperty("ones").EnumerateArray().Select(e => e.GetInt32())];
            int[] want = [.. Enumerable.Range(0, 143).Where(i => expected.Slice(z)[i] == 1)];
            Assert.Equal(want, ones);
        }

        // Every non-empty (segment, slice) pair has its frame.
        for (int s = 0; s < segments.Count; s++)
        {
            Volume<byte> expected = Expected(layers, segments[s]);
            for (int z = 0; z < h.SizeZ; z++)
            {
                Assert.Equal(expected.Slice(z).Contains((byte)1), seen.Contains((s + 1, z)));
            }
        }

        JsonElement kidney = root.GetProperty("segments")[1];
        Assert.Equal("Right kidney", kidney.GetProperty("label").GetString());
        Assert.Equal("64033007", kidney.GetProperty("type").GetString());
        Assert.Equal("24028007", kidney.GetProperty("modifier").GetString());
        Assert.Equal("", root.GetProperty("segments")[0].GetProperty("modifier").GetString());
    }

    private static List<string> DciodvfyErrors(string path, out string output)
    {
        (_, output) = ExternalTool.RunUnchecked("dciodvfy", path);
        Assert.Contains("Segmentation", output, StringComparison.Ordinal);
        return [.. output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
    }

    [Fact]
    public void Dciodvfy_finds_no_errors_in_a_segmentation_of_a_synthetic_series()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, MakeLayers(h, 3), MakeSegments())).Save(path);

        List<string> errors = DciodvfyErrors(path, out string output);

        Assert.True(errors.Count == 0, output);
    }

    [Fact]
    public void Dciodvfy_finds_no_errors_in_a_segmentation_of_a_ct_small_series()
    {
        using var tmp = new TempDirectory();
        string dir = Directory.CreateDirectory(tmp.File("ct")).FullName;
        var first = new Vec3(-158.135803, -179.035797, -75.699997);
        TestSeries.WriteCtSmallCopies(dir, [.. Enumerable.Range(0, 4).Select(i => new TestSeries.Slice(first + new Vec3(0, 0, 5 * i), $"ct{i}.dcm", i + 1, 0))]);
        LoadedSeries series = Assert.Single(SeriesLoader.LoadDirectory(dir));
        // Threshold the CT: "body" where HU > -500, a second segment where HU > 100.
        var labels = series.Volume.CreateLike<ushort>();
        var bone = series.Volume.CreateLike<ushort>();
        for (int i = 0; i < labels.Length; i++)
        {
            labels.Data[i] = series.Volume.Data[i] > -500 ? (ushort)1 : (ushort)0;
            bone.Data[i] = series.Volume.Data[i] > 100 ? (ushort)1 : (ushort)0;
        }

        Assert.Contains((ushort)1, bone.Data);
        SegmentDescription body = SegmentDescription.FromStructure(Catalogue.Structures[0], Algorithm) with { Label = "Body" };
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(
            new SegmentationRequest(series.Header, [labels, bone], [new SegmentInput(body, 0, 1), new SegmentInput(SegmentDescription.FromStructure(Catalogue["kidney_right"], Algorithm), 1, 1)]),
            new SegmentationOptions { SeriesDescription = "CT small SEG", ContentCreatorName = "Auto^Seg" }).Save(path);

        List<string> errors = DciodvfyErrors(path, out string output);

        Assert.True(errors.Count == 0, output);
        DicomDataset seg = DicomFile.Open(path).Dataset;
        Assert.Equal("CompressedSamples^CT1", seg.GetString(DicomTags.PatientName));
        Assert.Equal(series.Header.StudyInstanceUid, seg.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal(labels.Data, SegmentationReader.Read(seg, series.Header).GetMask(1).Data.Select(b => (ushort)b));
    }

    [Fact]
    public void All_empty_segments_give_one_empty_frame_that_validates()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        var empty = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, [empty], MakeSegments().Take(2).ToList())).Save(path);

        DicomDataset ds = DicomFile.Open(path).Dataset;
        Assert.Equal(1, ds.GetInt32(DicomTags.NumberOfFrames));
        Assert.Equal(2, ds.GetSequence(new DicomTag(0x0062, 0x0002)).Items.Count);
        SegmentationContent read = SegmentationReader.Read(ds, h);
        Assert.DoesNotContain((byte)1, read.GetMask(1).Data);
        Assert.DoesNotContain((byte)1, read.GetMask(2).Data);
        Assert.Empty(DciodvfyErrors(path, out _));

        var e = Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [empty], MakeSegments().Take(2).ToList()), new SegmentationOptions { IncludeEmptySegments = false }));
        Assert.Contains("nothing to write", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_segments_can_be_left_out()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        List<Volume<ushort>> layers = MakeLayers(h, 4);
        DicomDataset ds = SegmentationWriter.Build(new SegmentationRequest(h, layers, MakeSegments()), new SegmentationOptions { IncludeEmptySegments = false });

        SegmentationContent read = SegmentationReader.Read(ds, h);

        Assert.Equal(["Spleen", "Right kidney", "Left kidney", "Manual kidney"], read.Segments.Select(s => s.Description.Label));
        Assert.Equal(Expected(layers, MakeSegments()[4]).Data, read.GetMask(4).Data);
    }

    [Fact]
    public void Bad_requests_are_refused_with_clear_messages()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        var wrongGrid = new Volume<ushort>(h.SizeX + 1, h.SizeY, h.SizeZ, h.Geometry);
        var ok = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        SegmentInput s = MakeSegments()[0];
        Assert.Contains("source grid", Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [wrongGrid], [s]))).Message, StringComparison.Ordinal);
        Assert.Contains("layer 3", Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [ok], [s with { Layer = 3 }]))).Message, StringComparison.Ordinal);
        Assert.Contains("label 0", Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [ok], [s with { Label = 0 }]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [ok], [s]), new SegmentationOptions { ContentLabel = "lower case" }));
    }

    [Fact]
    public void CieLab_follows_the_cie_definition()
    {
        // White: L* = 100, a* = b* = 0 → 65535, 0x8080, 0x8080 (PS3.3 C.10.7.1.1 scaling).
        Assert.Equal([65535, 32896, 32896], CieLab.FromRgb(new RgbColor(255, 255, 255)).Select(v => (int)v));
        Assert.Equal([0, 32896, 32896], CieLab.FromRgb(new RgbColor(0, 0, 0)).Select(v => (int)v));

        // sRGB red under D65: L* 53.24, a* 80.09, b* 67.20.
        ushort[] red = CieLab.FromRgb(new RgbColor(255, 0, 0));
        Assert.Equal(53.24, red[0] * 100.0 / 65535, 1);
        Assert.Equal(80.09, (red[1] * 255.0 / 65535) - 128, 1);
        Assert.Equal(67.20, (red[2] * 255.0 / 65535) - 128, 1);

        foreach (StructureInfo s in Catalogue.Structures)
        {
            RgbColor back = CieLab.ToRgb(CieLab.FromRgb(s.Color));
            Assert.True(Math.Abs(back.R - s.Color.R) <= 1 && Math.Abs(back.G - s.Color.G) <= 1 && Math.Abs(back.B - s.Color.B) <= 1, s.Name);
        }
    }

    [Fact]
    public void Many_segments_on_a_larger_grid_write_only_occupied_frames()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp, 64, 48, 30);
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        // Structure g occupies a 3×3 block on slice g mod 30, at a column and row of its own.
        foreach (StructureInfo s in Catalogue.Structures)
        {
            int g = s.GlobalIndex;
            for (int dy = 0; dy < 3; dy++)
            {
                for (int dx = 0; dx < 3; dx++)
                {
                    map[(g % 20 * 3) + dx, (g / 20 * 3) + dy, g % 30] = (ushort)g;
                }
            }
        }

        var inputs = Catalogue.Structures.Select(s => new SegmentInput(SegmentDescription.FromStructure(s, Algorithm), 0, (ushort)s.GlobalIndex)).ToList();
        DicomDataset ds = SegmentationWriter.Build(new SegmentationRequest(h, [map], inputs));

        Assert.Equal(Catalogue.Count, ds.GetInt32(DicomTags.NumberOfFrames));
        Assert.Equal(((((long)Catalogue.Count * 64 * 48) + 7) / 8) + 1 & ~1L, ds.GetElement(DicomTags.PixelData).Length);
        Volume<ushort> back = SegmentationReader.Read(ds, h).ToLabelMap();
        Assert.Equal(map.Data, back.Data);
        Assert.Equal(Catalogue.Count.ToString(CultureInfo.InvariantCulture), ds.GetString(DicomTags.NumberOfFrames));
    }

    [Fact]
    public void Rebuilding_with_the_same_uids_and_time_gives_identical_bytes()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        var request = new SegmentationRequest(h, MakeLayers(h, 5), MakeSegments());
        var options = new SegmentationOptions
        {
            SopInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            ContentDateTime = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        };

        byte[] Bytes(SegmentationOptions o)
        {
            using var ms = new MemoryStream();
            SegmentationWriter.BuildFile(request, o).Save(ms);
            return ms.ToArray();
        }

        byte[] first = Bytes(options);
        Assert.Equal(first, Bytes(options));
        Assert.NotEqual(first, Bytes(new SegmentationOptions { SeriesInstanceUid = options.SeriesInstanceUid, ContentDateTime = options.ContentDateTime }));
        DicomDataset ds = DicomFile.Open(new ReadOnlyMemory<byte>(first)).Dataset;
        Assert.Equal(options.SopInstanceUid, ds.GetString(DicomTags.SOPInstanceUID));
        Assert.Equal("20250304", ds.GetString(new DicomTag(0x0008, 0x0023)));
        var trackingUids = ds.GetSequence(new DicomTag(0x0062, 0x0002)).Items.Select(i => i.GetString(new DicomTag(0x0062, 0x0021))).ToList();
        Assert.All(trackingUids, u => Assert.True(DicomUid.IsValid(u), u));
        Assert.Equal(trackingUids.Count - 1, trackingUids.Distinct().Count()); // "Manual kidney" shares kidney_left's tracking ID.
    }

    [Theory]
    [InlineData(13, 11, 6, 19)] // 143-bit frames, a window of one frame: flushed before every frame
    [InlineData(13, 11, 6, 40)]
    [InlineData(64, 48, 12, 386)] // byte-aligned frames filling the window exactly
    [InlineData(64, 48, 12, 1 << 20)]
    public async Task Streaming_write_gives_the_bytes_of_the_in_memory_file(int columns, int rows, int slices, int window)
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp, columns, rows, slices);
        var request = new SegmentationRequest(h, MakeLayers(h, 9), MakeSegments());
        var options = FixedOptions(DicomUid.Generate(), DicomUid.Generate());
        using var inMemory = new MemoryStream();
        SegmentationWriter.BuildFile(request, options).Save(inMemory);
        using var streamed = new MemoryStream();
        await SegmentationWriter.WriteAsync(request, streamed, options, window, CancellationToken.None);

        Assert.Equal(inMemory.ToArray(), streamed.ToArray());
        string path = tmp.File("streamed.dcm");
        await SegmentationWriter.WriteAsync(request, path, options, CancellationToken.None);
        Assert.Equal(inMemory.ToArray(), await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData(13, 11, 6, 19)]
    [InlineData(64, 48, 12, 1 << 20)]
    public async Task A_deflated_segmentation_holds_the_same_data_set_in_fewer_bytes(int columns, int rows, int slices, int window)
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp, columns, rows, slices);
        var request = new SegmentationRequest(h, MakeLayers(h, 9), MakeSegments());
        string sop = DicomUid.Generate(), series = DicomUid.Generate();
        using var plain = new MemoryStream();
        SegmentationWriter.BuildFile(request, FixedOptions(sop, series)).Save(plain);
        using var deflated = new MemoryStream();
        await SegmentationWriter.WriteAsync(request, deflated, FixedOptions(sop, series, deflate: true), window, CancellationToken.None);

        using var read = DicomFile.Open(deflated.ToArray());
        Assert.Equal(DicomUids.DeflatedExplicitVRLittleEndian, read.TransferSyntax.Uid);
        Assert.Equal(DicomUids.DeflatedExplicitVRLittleEndian, read.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));

        // Written again uncompressed, it is byte for byte the plain file: every element, pixel data included, survived.
        using var again = new MemoryStream();
        new DicomFile(read.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(again);
        Assert.Equal(plain.ToArray(), again.ToArray());
        Assert.True(deflated.Length < plain.Length, $"{deflated.Length} bytes deflated, {plain.Length} plain");
    }

    [Fact]
    public async Task Dcmtk_inflates_a_deflated_segmentation_that_dciodvfy_then_finds_no_errors_in()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticHeader(tmp);
        string path = tmp.File("seg.dcm");
        await SegmentationWriter.WriteAsync(new SegmentationRequest(h, MakeLayers(h, 3), MakeSegments()), path, new SegmentationOptions { Deflate = true }, CancellationToken.None);

        // dcmtk reads the deflate stream (dicom3tools' dciodvfy does not): converted to Explicit VR Little Endian, validated.
        Assert.Contains("=DeflatedLittleEndianExplicit", ExternalTool.Run("dcmdump", "-M", path), StringComparison.Ordinal);
        string inflated = tmp.File("inflated.dcm");
        ExternalTool.Run("dcmconv", "+te", path, inflated);
        List<string> errors = DciodvfyErrors(inflated, out string output);

        Assert.True(errors.Count == 0, output);
    }

    /// <summary>Options that make the writer's output a function of the request: given UIDs, a fixed content time.</summary>
    private static SegmentationOptions FixedOptions(string sopInstanceUid, string seriesInstanceUid, bool deflate = false) => new()
    {
        SopInstanceUid = sopInstanceUid,
        SeriesInstanceUid = seriesInstanceUid,
        ContentDateTime = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        Deflate = deflate,
    };
}
