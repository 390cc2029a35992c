using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Pipeline;

public sealed class BodyPartPersistenceTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-bpp-");

    public void Dispose() => dir.Delete(recursive: true);

    private string SaveModel(params DecoderPlan[] decoders)
    {
        torch.manual_seed(5);
        var plan = TinyPlans.Plan(decoders);
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, dir.FullName);
        return dir.FullName;
    }

    [Fact]
    public void A_saved_body_part_model_loads_with_identical_scores_and_is_recorded_in_the_plan()
    {
        var model = SaveModel();
        var planBefore = File.ReadAllText(Path.Combine(model, ModelStore.PlanFileName));
        torch.manual_seed(6);
        using var regressor = new BodyPartRegressor(4);
        using var slices = randn(5, 1, 32, 32);
        var expected = BodyPartScorer.Score(regressor, slices);

        var written = ModelStore.SaveBodyPart(model, regressor, 32, 4.0);

        Assert.NotNull(written.BodyPart);
        Assert.Equal(4, written.BodyPart!.Width);
        Assert.Equal(32, written.BodyPart.SliceSize);
        Assert.Equal(ModelFingerprint.Compute(regressor), written.BodyPart.Fingerprint);
        Assert.DoesNotContain("\"bodyPart\"", planBefore, StringComparison.Ordinal);
        Assert.Contains("\"bodyPart\"", File.ReadAllText(Path.Combine(model, ModelStore.PlanFileName)), StringComparison.Ordinal);

        var reread = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        using var loaded = ModelStore.TryLoadBodyPart(model, reread);
        Assert.NotNull(loaded);
        Assert.Equal(expected, BodyPartScorer.Score(loaded!, slices));

        // The networks still load beside it.
        using var full = ModelStore.Load(model);
        Assert.Equal(reread.BodyPart, full.Plan.BodyPart);
    }

    [Fact]
    public void A_plan_without_the_section_loads_and_has_no_body_part_model()
    {
        var model = SaveModel();
        var json = File.ReadAllText(Path.Combine(model, ModelStore.PlanFileName));
        Assert.DoesNotContain("\"bodyPart\"", json, StringComparison.Ordinal);

        var plan = ModelPlanSerializer.Parse(json);

        Assert.Null(plan.BodyPart);
        Assert.Null(ModelStore.TryLoadBodyPart(model, plan));
        Assert.Equal(json, ModelPlanSerializer.ToJson(plan));
    }

    [Fact]
    public void Weights_that_do_not_match_the_recorded_fingerprint_are_refused()
    {
        var model = SaveModel();
        torch.manual_seed(7);
        using (var regressor = new BodyPartRegressor(4))
        {
            ModelStore.SaveBodyPart(model, regressor, 32, 4.0);
        }

        torch.manual_seed(8);
        using (var other = new BodyPartRegressor(4))
        {
            other.save(Path.Combine(model, ModelStore.BodyPartFileName));
        }

        var plan = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        var ex = Assert.Throws<ModelPlanException>(() => ModelStore.TryLoadBodyPart(model, plan));
        Assert.Contains("fingerprint", ex.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(model, ModelStore.BodyPartFileName));
        Assert.Throws<ModelPlanException>(() => ModelStore.TryLoadBodyPart(model, plan));
    }

    [Fact]
    public void Ranges_are_written_for_the_named_decoders_only()
    {
        var model = SaveModel(TinyPlans.Decoder("a", "wholebody", ["spleen"]), TinyPlans.Decoder("b", "chest", ["heart_myocardium"]));
        var range = new BodyPartRange { Min = -1.25, Max = 3.5 };

        ModelStore.SetBodyPartRanges(model, new Dictionary<string, BodyPartRange> { ["b"] = range });

        var plan = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        Assert.Equal(range, plan.FindDecoder("b")!.BodyPartRange);
        Assert.Equal(TinyPlans.Decoder("a", "wholebody", ["spleen"]).BodyPartRange, plan.FindDecoder("a")!.BodyPartRange);
        Assert.Throws<ModelPlanException>(() => ModelStore.SetBodyPartRanges(model, new Dictionary<string, BodyPartRange> { ["nope"] = range }));
    }

    [Fact]
    public void The_slice_window_is_recorded_and_checked_and_absent_in_older_plans()
    {
        var model = SaveModel();
        torch.manual_seed(9);
        using var regressor = new BodyPartRegressor(4);
        var written = ModelStore.SaveBodyPart(model, regressor, 32, 8.0, 500);
        Assert.Equal(500, written.BodyPart!.FieldOfViewMm);
        var path = Path.Combine(model, ModelStore.PlanFileName);
        var json = File.ReadAllText(path);
        Assert.Contains("\"fieldOfViewMm\": 500", json, StringComparison.Ordinal);
        Assert.Equal(500, ModelPlanSerializer.Load(path).BodyPart!.FieldOfViewMm);
        Assert.Equal(new BodyPartSliceFormat(32, 500), BodyPartSliceFormat.Of(written.BodyPart));

        var tooSmall = Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Parse(json.Replace("\"fieldOfViewMm\": 500", "\"fieldOfViewMm\": 10", StringComparison.Ordinal)));
        Assert.Contains("fieldOfViewMm", tooSmall.Message, StringComparison.Ordinal);

        ModelStore.SaveBodyPart(model, regressor, 32, 8.0);
        Assert.Null(ModelPlanSerializer.Load(path).BodyPart!.FieldOfViewMm);
        Assert.DoesNotContain("fieldOfViewMm", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
