using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Persistence;

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
}
