using System.Text.Json;
using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Tests;

public sealed class PhantomDatasetTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cseg-phantom-" + Guid.NewGuid().ToString("N"));
    private readonly StructureCatalogue _catalogue = StructureCatalogue.LoadDefault();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Same_seed_gives_identical_bytes_whatever_the_thread_count()
    {
        PhantomCase Make(int seed, int threads) =>
            new PhantomGenerator(_catalogue, new PhantomGeneratorOptions { InPlaneSize = 48, SliceSpacingMm = 6, MaxDegreeOfParallelism = threads })
                .Generate("headneck", seed, 3);
        PhantomCase a = Make(11, 1), b = Make(11, 2), other = Make(12, 2);
        Assert.Equal(NiftiWriter.Compress(NiftiWriter.Encode(a.Image)), NiftiWriter.Compress(NiftiWriter.Encode(b.Image)));
        Assert.Equal(NiftiWriter.Encode(a.Labels), NiftiWriter.Encode(b.Labels));
        Assert.Equal(a.Metadata, b.Metadata);
        Assert.NotEqual(NiftiWriter.Encode(a.Image), NiftiWriter.Encode(other.Image));
        Assert.NotEqual(a.Metadata.PatientId, other.Metadata.PatientId);
    }

    [Fact]
    public async Task Dataset_writer_writes_the_nnunet_layout_reproducibly()
    {
        var writer = new PhantomDatasetWriter(_catalogue);
        string first = Path.Combine(_root, "a"), second = Path.Combine(_root, "b");
        PhantomDatasetOptions Options(string dir, int parallel) => new()
        {
            Task = "pathology", Cases = 3, Seed = 5, OutputDirectory = dir, Size = 40, SliceSpacingMm = 6, MaxParallelCases = parallel,
        };
        IReadOnlyList<string> ids = await writer.WriteAsync(Options(first, 3), default);
        await writer.WriteAsync(Options(second, 1), default);
        Assert.Equal(["pathology_0000", "pathology_0001", "pathology_0002"], ids);

        string[] files = Directory.GetFiles(first, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(7, files.Length);
        foreach (string f in files)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(first, f)), await File.ReadAllBytesAsync(Path.Combine(second, f)));
        }

        using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(first, "dataset.json")));
        JsonElement root = doc.RootElement;
        Assert.Equal("CT", root.GetProperty("channel_names").GetProperty("0").GetString());
        Assert.Equal(3, root.GetProperty("numTraining").GetInt32());
        Assert.Equal(".nii.gz", root.GetProperty("file_ending").GetString());
        JsonElement labels = root.GetProperty("labels");
        Assert.Equal(0, labels.GetProperty("background").GetInt32());
        Assert.Equal(2, labels.GetProperty("lung_tumor").GetInt32());
        Assert.Equal(4, labels.EnumerateObject().Count());

        foreach (string id in ids)
        {
            NiftiHeader h = await NiftiReader.ReadHeaderAsync(Path.Combine(first, "imagesTr", id + "_0000.nii.gz"), default);
            Assert.Equal(NiftiDataType.Int16, h.DataType);
            Volume<float> img = await NiftiReader.ReadFloatAsync(Path.Combine(first, "imagesTr", id + "_0000.nii.gz"), default);
            Volume<ushort> lab = await NiftiReader.ReadLabelsAsync(Path.Combine(first, "labelsTr", id + ".nii.gz"), default);
            Assert.True(img.SameGrid(lab));
            Assert.Equal(img.Geometry.Origin.Z, lab.Geometry.Origin.Z, 3);
            Assert.All(lab.Data, v => Assert.InRange(v, 0, 3));
            Assert.InRange(img.Data.Min(), -1024, -900);
            Assert.InRange(img.Data.Max(), 300, 3071);
        }
    }

    [Fact]
    public async Task Host_organs_are_labelled_after_the_lesions_which_keep_their_own_label_inside_them()
    {
        var writer = new PhantomDatasetWriter(_catalogue);
        string dir = Path.Combine(_root, "hosts");
        IReadOnlyList<string> ids = await writer.WriteAsync(new PhantomDatasetOptions
        {
            Task = "pathology", Cases = 2, Seed = 5, OutputDirectory = dir, Size = 40, SliceSpacingMm = 6, HostOrgans = true,
        }, default);

        using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "dataset.json")));
        string[] names = doc.RootElement.GetProperty("labels").EnumerateObject().OrderBy(p => p.Value.GetInt32()).Select(p => p.Name).ToArray();
        Assert.Equal(
            ["background", "liver_tumor", "lung_tumor", "esophageal_tumor", "liver", "lung_upper_lobe_left", "lung_lower_lobe_left",
             "lung_upper_lobe_right", "lung_middle_lobe_right", "lung_lower_lobe_right", "esophagus"],
            names);

        var generator = new PhantomGenerator(_catalogue, new PhantomGeneratorOptions { InPlaneSize = 40, SliceSpacingMm = 6 });
        int lesionVoxels = 0;
        for (int c = 0; c < ids.Count; c++)
        {
            Volume<ushort> written = await NiftiReader.ReadLabelsAsync(Path.Combine(dir, "labelsTr", ids[c] + ".nii.gz"), default);
            PhantomCase phantom = generator.Generate("pathology", 5, c);
            byte[] lesions = phantom.Labels.Data, wholebody = phantom.CreateLabelMap("wholebody").Data;
            for (int i = 0; i < written.Data.Length; i++)
            {
                int v = written.Data[i];

                // The lesions exactly as the dataset without host organs has them.
                Assert.Equal(lesions[i], v <= 3 ? v : 0);

                // Each host organ with its lesions is the organ of the whole-body labels (which know no lesions).
                for (int h = 4; h <= 10; h++)
                {
                    string host = names[h];
                    bool inHost = v == h || (v is >= 1 and <= 3 && _catalogue[names[v]].Hosts.Contains(host) && wholebody[i] == _catalogue[host].TaskLabel);
                    Assert.Equal(wholebody[i] == _catalogue[host].TaskLabel, inHost);
                }
            }

            lesionVoxels += written.Data.Count(v => v is >= 1 and <= 3);
            Assert.Contains(written.Data, v => v == 4);
            Assert.Contains(written.Data, v => v == 10);
        }

        Assert.True(lesionVoxels > 0, "no lesion in the cases");
    }

    [Fact]
    public async Task Bad_options_are_rejected()
    {
        var writer = new PhantomDatasetWriter(_catalogue);
        PhantomDatasetOptions ok = new() { Task = "chest", Cases = 1, Seed = 1, OutputDirectory = _root };
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(ok with { Task = "knee" }, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => writer.WriteAsync(ok with { Cases = 0 }, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => writer.WriteAsync(ok with { Size = 8 }, default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(ok with { Dicom = true }, default));
        ArgumentException noLesions = await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(ok with { HostOrgans = true }, default));
        Assert.Contains("no lesions", noLesions.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "labelsTr")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhantomGenerator(_catalogue, new PhantomGeneratorOptions { MinSliceSpacingMm = 3, MaxSliceSpacingMm = 2 }));
    }

    [Fact]
    public async Task A_case_sink_receives_every_case()
    {
        var sink = new RecordingSink();
        var writer = new PhantomDatasetWriter(_catalogue, sink);
        await writer.WriteAsync(new PhantomDatasetOptions { Task = "headneck", Cases = 2, Seed = 2, OutputDirectory = _root, Size = 32, SliceSpacingMm = 8, Dicom = true }, default);
        Assert.Equal(["headneck_0000", "headneck_0001"], sink.Cases.Order(StringComparer.Ordinal));
    }

    private sealed class RecordingSink : IPhantomCaseSink
    {
        private readonly List<string> _cases = [];

        public IReadOnlyList<string> Cases
        {
            get
            {
                lock (_cases)
                {
                    return [.. _cases];
                }
            }
        }

        public Task WriteAsync(PhantomCase phantomCase, string outputDirectory, CancellationToken cancellationToken)
        {
            Assert.StartsWith("PHANTOM^HEADNECK_", phantomCase.Metadata.PatientName, StringComparison.Ordinal);
            lock (_cases)
            {
                _cases.Add(phantomCase.CaseId);
            }

            return Task.CompletedTask;
        }
    }
}
