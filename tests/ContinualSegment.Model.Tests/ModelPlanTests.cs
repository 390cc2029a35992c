using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Tests;

public sealed class ModelPlanTests
{
    [Fact]
    public void Json_round_trip_keeps_every_field_and_the_format_tag()
    {
        var plan = TinyPlans.Plan(
            TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]),
            TinyPlans.Decoder("chest", "chest", ["pericardium"], new DecoderGenotype
            {
                Stages =
                [
                    new DecoderStageGene { Block = BlockType.Pseudo3D, WidthMultiplier = 0.5, Skip = true },
                    new DecoderStageGene { Block = BlockType.DepthwiseSeparable, WidthMultiplier = 1, Skip = false },
                ],
            }) with { Temperature = 1.7, BodyPartRange = new BodyPartRange { Min = 2, Max = 5.5 } }) with { EncoderFingerprint = new string('a', 64) };

        var json = ModelPlanSerializer.ToJson(plan);
        var back = ModelPlanSerializer.Parse(json);

        Assert.Contains("\"format\": \"cseg-plan/1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"pseudo3D\"", json, StringComparison.Ordinal);
        Assert.Equal(json, ModelPlanSerializer.ToJson(back));
        var chest = back.FindDecoder("chest")!;
        Assert.Equal(BlockType.DepthwiseSeparable, chest.Genotype.Stages[1].Block);
        Assert.False(chest.Genotype.Stages[1].Skip);
        Assert.Equal(0.5, chest.Genotype.Stages[0].WidthMultiplier);
        Assert.Equal(1.7, chest.Temperature);
        Assert.Equal(5.5, chest.BodyPartRange.Max);
        Assert.Equal([1, 3, 3], back.Encoder.Stages[0].KernelSize);
        Assert.Equal([2, 2, 2], back.Encoder.Stages[2].Stride);
        Assert.Equal(80, back.Normalization.Std);
        Assert.Equal(["spleen", "liver"], back.Decoders[0].Classes);
    }

    [Fact]
    public void Default_body_part_range_is_unbounded_and_survives_json()
    {
        var plan = TinyPlans.Plan(TinyPlans.Decoder("wb", "wholebody", ["liver"]) with { BodyPartRange = new BodyPartRange() });
        var back = ModelPlanSerializer.Parse(ModelPlanSerializer.ToJson(plan));
        Assert.True(double.IsNegativeInfinity(back.Decoders[0].BodyPartRange.Min));
        Assert.True(back.Decoders[0].BodyPartRange.Contains(1e9));
    }

    [Theory]
    [InlineData("\"cseg-plan/1\"", "\"cseg-plan/9\"", "format")]
    [InlineData("\"id\": \"wholebody\"", "\"id\": \"Whole.Body\"", "id")]
    [InlineData("\"temperature\": 1", "\"temperature\": 0", "temperature")]
    [InlineData("\"std\": 80", "\"std\": -1", "std")]
    [InlineData("\"classes\": [", "\"classes\": [\"spleen\", ", "twice")]
    [InlineData("\"inputChannels\": 1", "\"inputChannels\": 1, \"extra\": 3", "extra")]
    public void Invalid_plans_are_refused_with_a_message_naming_the_problem(string find, string replace, string expected)
    {
        var json = ModelPlanSerializer.ToJson(TinyPlans.Plan());
        Assert.Contains(find, json, StringComparison.Ordinal);
        var broken = json.Replace(find, replace, StringComparison.Ordinal);

        var ex = Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Parse(broken));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Patch_not_divisible_by_total_stride_is_refused()
    {
        var plan = TinyPlans.Plan() with { PatchSize = [16, 18, 16] };
        var ex = Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Validate(plan));
        Assert.Contains("patchSize[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Genotype_length_must_match_encoder_depth()
    {
        var plan = TinyPlans.Plan(TinyPlans.Decoder("wb", "wholebody", ["liver"], DecoderGenotype.Full(4)));
        var ex = Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Validate(plan));
        Assert.Contains("genotype", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_decoder_ids_are_refused()
    {
        var plan = TinyPlans.Plan(TinyPlans.Decoder("a", "wholebody", ["liver"]), TinyPlans.Decoder("a", "chest", ["sternum"]));
        var ex = Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Validate(plan));
        Assert.Contains("used twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_oversized_files_are_refused_before_reading()
    {
        var dir = Directory.CreateTempSubdirectory("cseg-plan-");
        try
        {
            var missing = Path.Combine(dir.FullName, "nope.json");
            Assert.Contains("not found", Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Load(missing)).Message, StringComparison.Ordinal);
            var big = Path.Combine(dir.FullName, "big.json");
            using (var fs = File.Create(big))
            {
                fs.SetLength(ModelPlanSerializer.MaxPlanBytes + 1);
            }

            Assert.Contains("limit", Assert.Throws<ModelPlanException>(() => ModelPlanSerializer.Load(big)).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Ct_normalization_clips_then_standardises()
    {
        var n = new IntensityNormalization { Scheme = NormalizationScheme.CT, ClipLower = -100, ClipUpper = 100, Mean = 20, Std = 10 };
        float[] v = [-1000, 0, 50, 5000];
        n.Apply(v);
        Assert.Equal([-12f, -2f, 3f, 8f], v);
    }
}
