using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

public sealed class BodyPartGateTests
{
    [Fact]
    public void Slices_inside_the_range_are_valid_and_a_disjoint_scan_skips_the_decoder()
    {
        var decoder = TinyPlans.Decoder("chest", "chest", ["sternum"]) with { BodyPartRange = new BodyPartRange { Min = 2, Max = 5 } };

        var partly = BodyPartGate.Evaluate(decoder, [0, 1.5, 2, 3, 5, 6, double.NaN]);
        Assert.False(partly.Skip);
        Assert.Equal([false, false, true, true, true, false, true], partly.ValidSlices);

        var outside = BodyPartGate.Evaluate(decoder, [6, 7, 8]);
        Assert.True(outside.Skip);

        var withMargin = BodyPartGate.Evaluate(decoder, [6, 7, 8], margin: 1);
        Assert.Equal([true, false, false], withMargin.ValidSlices);
    }

    [Fact]
    public void A_decoder_whose_range_misses_the_scan_is_not_run_and_the_rest_merges()
    {
        torch.manual_seed(41);
        var plan = TinyPlans.Plan(
            TinyPlans.Decoder("abdomen", "wholebody", ["liver", "spleen"]) with { BodyPartRange = new BodyPartRange { Min = -1, Max = 1 } },
            TinyPlans.Decoder("head", "headneck", ["brainstem"]) with { BodyPartRange = new BodyPartRange { Min = 10, Max = 12 } });
        using var bank = new DecoderBank(plan);
        using var headCounter = new CallCounter(bank, "head");
        using var abdomenCounter = new CallCounter(bank, "abdomen");
        using var predictor = new SlidingWindowPredictor(bank, plan.PatchSize);
        using var scope = NewDisposeScope();
        var image = randn(new long[] { 1, 16, 16, 16 });
        var scores = Enumerable.Range(0, 16).Select(z => (z - 8) / 4.0).ToArray();

        using var gated = GatedInference.Predict(predictor, plan, bank.EnabledDecoderIds, image, scores);

        Assert.Equal(0, headCounter.Calls);
        Assert.True(abdomenCounter.Calls > 0);
        Assert.True(gated.Decisions.Single(d => d.DecoderId == "head").Skip);
        Assert.Equal(["abdomen"], gated.Prediction.Probabilities.Keys);
        var inputs = gated.ToMergeInputs();
        var abdomen = Assert.Single(inputs);
        Assert.Equal(scores.Select(s => s is >= -1 and <= 1).ToArray(), abdomen.ValidSlices);

        var catalogue = MergeCatalogue.LoadCsv(CatalogueFile.Path);
        var merged = new PredictionMerger(catalogue).Merge(inputs);
        var allowed = new[] { 0, catalogue.Find("liver")!.GlobalIndex, catalogue.Find("spleen")!.GlobalIndex };
        Assert.All(merged.LabelMap, v => Assert.Contains((int)v, allowed));
        for (var z = 0; z < 16; z++)
        {
            if (!abdomen.ValidSlices![z])
            {
                Assert.Equal(0, merged.LabelAt(z, 3, 3));
            }
        }

    }

    [Fact]
    public void A_decoder_runs_only_on_the_windows_that_hold_its_trusted_slices_and_is_exact_there()
    {
        torch.manual_seed(42);
        var plan = TinyPlans.Plan(
            TinyPlans.Decoder("abdomen", "wholebody", ["liver", "spleen"]),
            TinyPlans.Decoder("head", "headneck", ["brainstem"]));
        using var bank = new DecoderBank(plan);
        using var headCounter = new CallCounter(bank, "head");
        using var abdomenCounter = new CallCounter(bank, "abdomen");
        using var predictor = new SlidingWindowPredictor(bank, plan.PatchSize, new SlidingWindowOptions { BatchSize = 1, Mirroring = false, AccumulateInHalf = false });
        using var scope = NewDisposeScope();
        var image = randn(new long[] { 1, 48, 16, 16 });
        string[] ids = ["abdomen", "head"];

        using var full = predictor.Predict(image, ids);
        var fullHead = headCounter.Calls;
        var fullAbdomen = abdomenCounter.Calls;
        headCounter.Calls = abdomenCounter.Calls = 0;

        // The head decoder is trusted on the top 6 slices only, the abdomen decoder everywhere.
        var headSlices = Enumerable.Range(0, 48).Select(z => z >= 42).ToArray();
        var wanted = new Dictionary<string, IReadOnlyList<bool>> { ["head"] = headSlices, ["abdomen"] = Enumerable.Repeat(true, 48).ToArray() };
        using var gated = predictor.Predict(image, ids, wanted);

        Assert.Equal(fullAbdomen, abdomenCounter.Calls);
        Assert.True(headCounter.Calls > 0 && headCounter.Calls < fullHead, $"head decoder ran on {headCounter.Calls} of {fullHead} windows");
        Assert.Equal(0f, (gated.Probabilities["abdomen"] - full.Probabilities["abdomen"]).abs().max().item<float>());
        var top = gated.Probabilities["head"].narrow(1, 42, 6);
        Assert.Equal(0f, (top - full.Probabilities["head"].narrow(1, 42, 6)).abs().max().item<float>());

        // A window that no decoder wants runs nothing, not even the encoder: nothing wanted, nothing called.
        headCounter.Calls = abdomenCounter.Calls = 0;
        var none = Enumerable.Repeat(false, 48).ToArray();
        using var nothing = predictor.Predict(image, ids, new Dictionary<string, IReadOnlyList<bool>> { ["head"] = none, ["abdomen"] = none });
        Assert.Equal(0, headCounter.Calls + abdomenCounter.Calls);
        Assert.Equal(0f, nothing.Probabilities["head"].abs().max().item<float>());

        Assert.Throws<ArgumentException>(() => predictor.Predict(image, ids, new Dictionary<string, IReadOnlyList<bool>> { ["head"] = new bool[47] }));
    }

    // Counts the forward calls of one decoder of a bank while it lives.
    private sealed class CallCounter : IDisposable
    {
        private readonly Action remove;

        public CallCounter(DecoderBank bank, string id)
        {
            var hook = bank.GetDecoder(id).register_forward_hook((_, _, o) =>
            {
                Calls++;
                return o;
            });
            remove = hook.remove;
        }

        public int Calls { get; set; }

        public void Dispose() => remove();
    }
}
