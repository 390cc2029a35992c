using ContinualSegment.Model.Merging;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

public sealed class PredictionMergerTests
{
    private static readonly MergeCatalogue Catalogue = MergeCatalogue.LoadCsv(CatalogueFile.Path);

    private static int Index(string name) => Catalogue.Find(name)!.GlobalIndex;

    /// <summary>Probabilities for a 1×1×N grid: one row per channel (background first), one column per voxel.</summary>
    private static Tensor Row(params float[][] channels)
    {
        var n = channels[0].Length;
        return tensor(channels.SelectMany(c => c).ToArray(), new long[] { channels.Length, 1, 1, n });
    }

    [Fact]
    public void Catalogue_csv_gives_indices_hosts_and_precedence()
    {
        Assert.Equal(143, Catalogue.Structures.Count);
        Assert.Equal(5, Index("liver"));
        Assert.Equal(121, Index("brainstem"));
        Assert.Equal(141, Index("liver_tumor"));
        Assert.Equal(["liver"], Catalogue.Find("liver_tumor")!.HostOrgans);
        Assert.Equal(5, Catalogue.Find("lung_tumor")!.HostOrgans.Count);
        Assert.True(Catalogue.Precedence("brainstem") > Catalogue.Precedence("brain"));
        Assert.True(Catalogue.Precedence("eye_lens_left") > Catalogue.Precedence("eye_left"));
        Assert.True(Catalogue.Precedence("eye_left") > Catalogue.Precedence("face"));
        Assert.True(Catalogue.Precedence("heart_ventricle_left") > Catalogue.Precedence("pericardium"));
        Assert.True(Catalogue.Precedence("esophageal_tumor") > Catalogue.Precedence("eye_lens_right"));
    }

    [Fact]
    public void Same_structure_from_two_decoders_is_decided_per_voxel_by_their_summed_margins()
    {
        using var scope = NewDisposeScope();
        var a = new DecoderProbabilities("wb", ["liver", "spleen"], Row(
            [0.4f, 0.1f, 0.2f],
            [0.6f, 0.9f, 0.1f],
            [0.0f, 0.0f, 0.7f]));
        var b = new DecoderProbabilities("other", ["liver"], Row(
            [0.9f, 0.4f, 0.2f],
            [0.1f, 0.6f, 0.8f]));

        var merged = new PredictionMerger(Catalogue).Merge([a, b]);

        Assert.False(merged.Contains(Index("liver"), 0, 0, 0));
        Assert.True(merged.Contains(Index("liver"), 0, 0, 1));
        Assert.True(merged.Contains(Index("liver"), 0, 0, 2));
        Assert.True(merged.Contains(Index("spleen"), 0, 0, 2));
        Assert.Equal([0, (byte)Index("liver"), (byte)Index("liver")], merged.LabelMap);
    }

    [Fact]
    public void Two_decoders_that_agree_outvote_a_more_confident_one_that_does_not()
    {
        using var scope = NewDisposeScope();

        // Voxel 0: two decoders see liver (lead 0.6 each), one is surer of background (liver 0.15 against 0.85).
        // Voxel 1: one sees liver narrowly (lead 0.1), the other two are sure of background.
        var a = new DecoderProbabilities("a", ["liver"], Row([0.2f, 0.45f], [0.8f, 0.55f]));
        var b = new DecoderProbabilities("b", ["liver"], Row([0.2f, 0.9f], [0.8f, 0.1f]));
        var c = new DecoderProbabilities("c", ["liver", "spleen"], Row([0.85f, 0.9f], [0.15f, 0.05f], [0.0f, 0.05f]));

        var merged = new PredictionMerger(Catalogue).Merge([a, b, c]);

        Assert.True(merged.Contains(Index("liver"), 0, 0, 0)); // 0.6 + 0.6 − 0.7 ≥ 0
        Assert.False(merged.Contains(Index("liver"), 0, 0, 1)); // 0.1 − 0.8 − 0.85 < 0
        Assert.Equal([(byte)Index("liver"), 0], merged.LabelMap);

        // A structure only one decoder knows is there wherever it is that decoder's arg-max.
        var spleen = new DecoderProbabilities("c", ["liver", "spleen"], Row([0.1f, 0.9f], [0.2f, 0.05f], [0.7f, 0.05f]));
        Assert.True(new PredictionMerger(Catalogue).Merge([a, spleen]).Contains(Index("spleen"), 0, 0, 0));
    }

    [Fact]
    public void Calibration_temperature_decides_which_decoder_is_more_confident()
    {
        using var scope = NewDisposeScope();
        var aProbs = Row([0.1f], [0.8f], [0.1f]);
        var bProbs = Row([0.7f], [0.3f]);

        var uncalibrated = new PredictionMerger(Catalogue).Merge([
            new DecoderProbabilities("wb", ["liver", "spleen"], aProbs),
            new DecoderProbabilities("other", ["liver"], bProbs)]);
        var calibrated = new PredictionMerger(Catalogue).Merge([
            new DecoderProbabilities("wb", ["liver", "spleen"], aProbs, Temperature: 3),
            new DecoderProbabilities("other", ["liver"], bProbs)]);
        var alreadyApplied = new PredictionMerger(Catalogue).Merge([
            new DecoderProbabilities("wb", ["liver", "spleen"], aProbs, Temperature: 3, TemperatureApplied: true),
            new DecoderProbabilities("other", ["liver"], bProbs)]);

        Assert.True(uncalibrated.Contains(Index("liver"), 0, 0, 0));
        Assert.False(calibrated.Contains(Index("liver"), 0, 0, 0));
        Assert.True(alreadyApplied.Contains(Index("liver"), 0, 0, 0));
    }

    [Fact]
    public void Lesion_joins_its_host_organ_and_stays_on_top_in_the_label_map()
    {
        using var scope = NewDisposeScope();
        var wb = new DecoderProbabilities("wb", ["liver"], Row(
            [0.8f, 0.1f, 0.9f],
            [0.2f, 0.9f, 0.1f]));
        var pathology = new DecoderProbabilities("path", ["liver_tumor"], Row(
            [0.1f, 0.8f, 0.9f],
            [0.9f, 0.2f, 0.1f]));

        var merged = new PredictionMerger(Catalogue).Merge([wb, pathology]);

        Assert.True(merged.Contains(Index("liver_tumor"), 0, 0, 0));
        Assert.True(merged.Contains(Index("liver"), 0, 0, 0));
        Assert.True(merged.Contains(Index("liver"), 0, 0, 1));
        Assert.False(merged.Contains(Index("liver_tumor"), 0, 0, 1));
        Assert.Equal([(byte)Index("liver_tumor"), (byte)Index("liver"), 0], merged.LabelMap);
        Assert.Equal(2, merged.VoxelCount(Index("liver")));

        // What the label map hides: the liver under its tumour, and nothing else.
        Assert.Equal([Index("liver")], merged.HiddenVoxels.Keys);
        Assert.Equal([0], merged.HiddenVoxels[Index("liver")]);
    }

    [Fact]
    public void Lesion_with_several_hosts_joins_the_most_probable_host()
    {
        using var scope = NewDisposeScope();
        var wb = new DecoderProbabilities("wb", ["lung_upper_lobe_left", "lung_lower_lobe_left"], Row(
            [0.5f, 0.5f],
            [0.2f, 0.35f],
            [0.3f, 0.15f]));
        var pathology = new DecoderProbabilities("path", ["lung_tumor"], Row([0.1f, 0.1f], [0.9f, 0.9f]));

        var merged = new PredictionMerger(Catalogue).Merge([wb, pathology]);

        Assert.True(merged.Contains(Index("lung_lower_lobe_left"), 0, 0, 0));
        Assert.False(merged.Contains(Index("lung_upper_lobe_left"), 0, 0, 0));
        Assert.True(merged.Contains(Index("lung_upper_lobe_left"), 0, 0, 1));
        Assert.False(merged.Contains(Index("lung_lower_lobe_left"), 0, 0, 1));
        Assert.All(merged.LabelMap, v => Assert.Equal((byte)Index("lung_tumor"), v));
        Assert.Equal([0], merged.HiddenVoxels[Index("lung_lower_lobe_left")]);
        Assert.Equal([1], merged.HiddenVoxels[Index("lung_upper_lobe_left")]);
    }

    [Fact]
    public void Nested_structures_overlap_and_the_inner_one_is_on_top()
    {
        using var scope = NewDisposeScope();
        var wb = new DecoderProbabilities("wb", ["brain", "face"], Row(
            [0.1f, 0.1f, 0.1f],
            [0.8f, 0.1f, 0.9f],
            [0.1f, 0.8f, 0.0f]));
        var hn = new DecoderProbabilities("hn", ["brainstem", "eye_left"], Row(
            [0.2f, 0.2f, 0.9f],
            [0.7f, 0.1f, 0.1f],
            [0.1f, 0.7f, 0.0f]));

        var merged = new PredictionMerger(Catalogue).Merge([wb, hn]);

        Assert.True(merged.Contains(Index("brain"), 0, 0, 0));
        Assert.True(merged.Contains(Index("brainstem"), 0, 0, 0));
        Assert.True(merged.Contains(Index("face"), 0, 0, 1));
        Assert.True(merged.Contains(Index("eye_left"), 0, 0, 1));
        Assert.Equal([(byte)Index("brainstem"), (byte)Index("eye_left"), (byte)Index("brain")], merged.LabelMap);
        Assert.Equal(new[] { Index("brain"), Index("face") }.Order(), merged.HiddenVoxels.Keys.Order());
        Assert.Equal([0], merged.HiddenVoxels[Index("brain")]);
        Assert.Equal([1], merged.HiddenVoxels[Index("face")]);
    }

    [Fact]
    public void Decoders_are_ignored_on_slices_outside_their_validity_mask()
    {
        using var scope = NewDisposeScope();
        var probs = tensor(new float[] { 0.1f, 0.1f, 0.9f, 0.9f }, new long[] { 2, 2, 1, 1 });
        var merged = new PredictionMerger(Catalogue).Merge([new DecoderProbabilities("wb", ["spleen"], probs, ValidSlices: [false, true])]);

        Assert.False(merged.Contains(Index("spleen"), 0, 0, 0));
        Assert.True(merged.Contains(Index("spleen"), 1, 0, 0));
        Assert.Equal([0, (byte)Index("spleen")], merged.LabelMap);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        using var scope = NewDisposeScope();
        var merger = new PredictionMerger(Catalogue);
        Assert.Contains("not in the catalogue", Assert.Throws<ArgumentException>(() => merger.Merge([new DecoderProbabilities("x", ["unicorn"], Row([0.5f], [0.5f]))])).Message, StringComparison.Ordinal);
        Assert.Contains("grid", Assert.Throws<ArgumentException>(() => merger.Merge([
            new DecoderProbabilities("a", ["liver"], Row([0.5f], [0.5f])),
            new DecoderProbabilities("b", ["spleen"], Row([0.5f, 0.5f], [0.5f, 0.5f]))])).Message, StringComparison.Ordinal);
        Assert.Contains("classes", Assert.Throws<ArgumentException>(() => merger.Merge([new DecoderProbabilities("a", ["liver", "spleen"], Row([0.5f], [0.5f]))])).Message, StringComparison.Ordinal);
    }
}
