using ContinualSegment.Imaging;
using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Phantom;

namespace ContinualSegment.Model.Tests.Pipeline;

/// <summary>The default model shipped in models/default loads, matches its fingerprints and covers the catalogue.</summary>
public sealed class ShippedModelTests
{
    private static string ModelDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "default");
            if (File.Exists(Path.Combine(candidate, ModelStore.PlanFileName)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("models/default not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_default_model_loads_with_its_encoder_decoders_and_body_part_model()
    {
        var directory = ModelDirectory();
        using var model = ModelStore.Load(directory);

        Assert.Equal(["wholebody", "chest", "headneck", "pathology"], model.Plan.Decoders.Select(d => d.Id));
        Assert.All(model.Plan.Decoders, d => Assert.Equal(model.Plan.EncoderFingerprint, d.EncoderFingerprint));
        using var bodyPart = ModelStore.TryLoadBodyPart(directory, model.Plan);
        Assert.NotNull(bodyPart);
        Assert.All(model.Plan.Decoders, d => Assert.True(d.BodyPartRange.Min < d.BodyPartRange.Max, d.Id + " has no body-part range"));
    }

    [Fact]
    public void The_default_model_predicts_every_catalogue_structure_exactly_once()
    {
        using var model = ModelStore.Load(ModelDirectory());
        var catalogue = MergeCatalogue.LoadCsv(CatalogueFile.Path);

        var classes = model.Plan.Decoders.SelectMany(d => d.Classes).ToList();

        Assert.Equal(143, classes.Count);
        Assert.Equal(classes.Count, classes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(classes, c => Assert.NotNull(catalogue.Find(c)));
    }

    [Fact]
    public async Task Overlaps_reach_the_result_and_the_brain_with_what_lies_beneath_it_scores_higher()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        var generator = new PhantomGenerator(catalogue, new PhantomGeneratorOptions { InPlaneSize = 96, SliceSpacingMm = 5, MaxDegreeOfParallelism = 2 });
        var phantom = generator.Generate("wholebody", 7, 0);
        var hu = phantom.Image.CreateLike<float>();
        for (var i = 0; i < hu.Length; i++)
        {
            hu.Data[i] = phantom.Image.Data[i];
        }

        using var pipeline = await SegmentationPipeline.LoadAsync(ModelDirectory(), SegmentationPipeline.CatalogueFrom(catalogue), null, CancellationToken.None);
        var result = pipeline.Run(hu);

        // The headneck decoder draws the brainstem inside the whole-body decoder's brain: the brain lies beneath it.
        var overlaps = Assert.IsType<StructureOverlaps>(result.Overlaps);
        var brain = (ushort)catalogue["brain"].GlobalIndex;
        Assert.True(overlaps.Hidden.ContainsKey(brain), "the brain is hidden nowhere: " + string.Join(", ", overlaps.Hidden.Keys.Select(k => catalogue.ByGlobalIndex(k).Name)));
        var nestingOrHost = catalogue.Structures.Where(s => StructureNesting.Default.Values.Contains(s.Name) || catalogue.Structures.Any(l => l.Hosts.Contains(s.Name))).Select(s => (ushort)s.GlobalIndex).ToHashSet();
        Assert.All(overlaps.Hidden.Keys, k => Assert.Contains(k, nestingOrHost));
        Assert.All(overlaps.Hidden[brain], i => Assert.NotEqual(brain, result.Labels.Data[i]));

        // The whole-body truth's brain includes the brainstem: the brain's own mask (label map plus hidden voxels) matches it better.
        var truth = phantom.Labels.Data.Select(v => v == catalogue["brain"].TaskLabel).ToArray();
        var shown = result.Labels.Data.Select(v => v == brain).ToArray();
        var own = (bool[])shown.Clone();
        foreach (var i in overlaps.Hidden[brain])
        {
            own[i] = true;
        }

        Assert.True(Dice(own, truth) > Dice(shown, truth), $"brain Dice {Dice(own, truth):0.000} with its hidden voxels, {Dice(shown, truth):0.000} without");
    }

    private static double Dice(bool[] a, bool[] b)
    {
        long both = 0, sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            both += a[i] && b[i] ? 1 : 0;
            sum += (a[i] ? 1 : 0) + (b[i] ? 1 : 0);
        }

        return sum == 0 ? 1 : 2.0 * both / sum;
    }
}
