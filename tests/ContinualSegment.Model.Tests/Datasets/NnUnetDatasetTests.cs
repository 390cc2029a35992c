using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Tests.Datasets;

public sealed class NnUnetDatasetTests(PhantomDatasetFixture fixture) : IClassFixture<PhantomDatasetFixture>
{
    [Fact]
    public async Task Reads_a_phantom_dataset_and_splits_it_by_seed()
    {
        var dataset = await NnUnetDataset.OpenAsync(fixture.DatasetDir, fixture.Catalogue, CancellationToken.None);
        Assert.Equal(["CT"], dataset.ChannelNames);
        Assert.Equal(fixture.Catalogue.ForTask("chest").OrderBy(s => s.TaskLabel).Select(s => s.Name), dataset.Classes);
        Assert.Equal(fixture.CaseIds.Order(StringComparer.Ordinal), dataset.Cases.Select(c => c.Id));
        Assert.All(dataset.Cases, c => Assert.True(File.Exists(c.ImagePaths[0]) && File.Exists(c.LabelPath)));

        var a = dataset.Split(0.34, 7);
        var b = dataset.Split(0.34, 7);
        Assert.Single(a.Validation);
        Assert.Equal(2, a.Training.Count);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Empty(a.Training.Intersect(a.Validation));
    }

    [Fact]
    public async Task Refuses_label_names_outside_the_catalogue_and_missing_images()
    {
        var dir = Path.Combine(fixture.Root, "bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(dir, "labelsTr"));
        File.Copy(Path.Combine(fixture.DatasetDir, "labelsTr", fixture.CaseIds[0] + ".nii.gz"), Path.Combine(dir, "labelsTr", "x.nii.gz"));
        await File.WriteAllTextAsync(Path.Combine(dir, "dataset.json"), """{"channel_names":{"0":"CT"},"labels":{"background":0,"no_such_organ":1},"numTraining":1,"file_ending":".nii.gz"}""");
        var ex = await Assert.ThrowsAsync<NnUnetDatasetException>(() => NnUnetDataset.OpenAsync(dir, fixture.Catalogue, CancellationToken.None));
        Assert.Contains("no_such_organ", ex.Message, StringComparison.Ordinal);

        // Without a catalogue the names pass, but the missing image is reported.
        var missing = await Assert.ThrowsAsync<NnUnetDatasetException>(() => NnUnetDataset.OpenAsync(dir, null, CancellationToken.None));
        Assert.Contains("x_0000.nii.gz", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preprocessing_resamples_to_the_plan_spacing_in_zyx_order_and_normalises()
    {
        var dataset = await NnUnetDataset.OpenAsync(fixture.DatasetDir, fixture.Catalogue, CancellationToken.None);
        var item = dataset.Cases[0];
        var raw = await NiftiReader.ReadFloatAsync(item.ImagePaths[0], CancellationToken.None);
        var rawLabels = await NiftiReader.ReadLabelsAsync(item.LabelPath, CancellationToken.None);
        var norm = await IntensityStatistics.ComputeAsync(dataset.Cases, 1, CancellationToken.None);
        var plan = TinyPlans.Plan() with { TargetSpacing = [16.0, raw.Spacing.Y * 2, raw.Spacing.X], Normalization = norm };

        var pc = await CasePreprocessor.LoadAsync(item, plan, dataset.Classes.Count, CancellationToken.None);

        Assert.Equal((int)Math.Round(raw.SizeZ / 2.0), pc.Depth);
        Assert.Equal(raw.SizeY / 2, pc.Height);
        Assert.Equal(raw.SizeX, pc.Width);
        Assert.Contains(pc.Labels, l => l > 0);
        Assert.True(pc.Labels.Max() <= dataset.Classes.Count);

        // The normalised foreground is roughly zero-mean, unit-variance and clipped.
        var fg = Enumerable.Range(0, pc.VoxelCount).Where(i => pc.Labels[i] > 0).Select(i => (double)pc.Image[i]).ToArray();
        var mean = fg.Average();
        Assert.InRange(mean, -0.5, 0.5);
        var max = (norm.ClipUpper - norm.Mean) / norm.Std;
        Assert.All(pc.Image, v => Assert.True(v <= max + 1e-3));

        // On the source spacing (given z, y, x) the grid and the labels are unchanged.
        var same = await CasePreprocessor.LoadAsync(item, plan with { TargetSpacing = [raw.Spacing.Z, raw.Spacing.Y, raw.Spacing.X] }, dataset.Classes.Count, CancellationToken.None);
        Assert.Equal((raw.SizeZ, raw.SizeY, raw.SizeX), (same.Depth, same.Height, same.Width));
        Assert.Equal(rawLabels.Data, same.Labels);
    }

    [Fact]
    public void Intensity_statistics_follow_the_percentile_definition()
    {
        var values = Enumerable.Range(0, 1001).Select(i => (float)i).ToArray();
        var norm = IntensityStatistics.Compute(values, 10, 90);
        Assert.Equal(NormalizationScheme.CT, norm.Scheme);
        Assert.Equal(100, norm.ClipLower, 6);
        Assert.Equal(900, norm.ClipUpper, 6);

        // Symmetric clipping of a symmetric distribution keeps the mean.
        Assert.Equal(500, norm.Mean, 6);
        var clipped = values.Select(v => Math.Clamp((double)v, 100, 900)).ToArray();
        var sd = Math.Sqrt(clipped.Select(v => (v - 500) * (v - 500)).Average());
        Assert.Equal(sd, norm.Std, 6);
        Assert.Throws<ArgumentException>(() => IntensityStatistics.Compute([]));
    }
}
