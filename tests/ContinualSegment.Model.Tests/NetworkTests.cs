using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

public sealed class NetworkTests
{
    [Fact]
    public void Encoder_returns_one_feature_per_stage_at_the_strided_resolutions()
    {
        torch.manual_seed(1);
        using var scope = NewDisposeScope();
        using var encoder = new GeneralEncoder(TinyPlans.Encoder(), 1);
        var features = encoder.forward(randn(new long[] { 2, 1, 16, 16, 16 }));

        Assert.Equal(3, features.Count);
        Assert.Equal(new long[] { 2, 4, 16, 16, 16 }, features[0].shape);
        Assert.Equal(new long[] { 2, 8, 16, 8, 8 }, features[1].shape);
        Assert.Equal(new long[] { 2, 12, 8, 4, 4 }, features[2].shape);
        var names = encoder.state_dict().Keys.ToHashSet();
        Assert.Contains("stages.0.conv1.conv.weight", names);
        Assert.Contains("stages.2.conv2.norm.bias", names);
        Assert.Equal(new long[] { 4, 1, 1, 3, 3 }, encoder.state_dict()["stages.0.conv1.conv.weight"].shape);
    }

    [Theory]
    [InlineData(BlockType.ConvPair)]
    [InlineData(BlockType.SingleConv)]
    [InlineData(BlockType.Pseudo3D)]
    [InlineData(BlockType.DepthwiseSeparable)]
    public void Every_block_type_gives_full_resolution_logits(BlockType block)
    {
        torch.manual_seed(2);
        using var scope = NewDisposeScope();
        var genotype = new DecoderGenotype
        {
            Stages =
            [
                new DecoderStageGene { Block = block, WidthMultiplier = 0.5 },
                new DecoderStageGene { Block = block, WidthMultiplier = 1.5, Skip = false },
            ],
        };
        using var encoder = new GeneralEncoder(TinyPlans.Encoder(), 1);
        using var decoder = new Decoder(TinyPlans.Encoder(), TinyPlans.Decoder("d", "wholebody", ["a", "b", "c"], genotype, deepSupervision: true));
        var skips = encoder.forward(randn(new long[] { 1, 1, 16, 16, 16 }));
        var outputs = decoder.ForwardWithAuxiliary(skips);

        Assert.Equal(new long[] { 1, 4, 16, 16, 16 }, outputs[0].shape);
        Assert.Equal(2, outputs.Count);
        Assert.Equal(new long[] { 1, 4, 16, 8, 8 }, outputs[1].shape);
        Assert.Contains("aux_heads.0.weight", decoder.state_dict().Keys);
        Assert.Equal(2, decoder.state_dict()["head.weight"].shape[1]);
    }

    [Fact]
    public void Bank_weight_names_are_prefixed_and_stable_and_added_decoders_register()
    {
        torch.manual_seed(3);
        using var scope = NewDisposeScope();
        using var bank = new DecoderBank(TinyPlans.Plan());
        bank.AddDecoder(TinyPlans.Decoder("chest", "chest", ["pericardium"]));
        var names = bank.state_dict().Keys.ToList();

        Assert.Contains("encoder.stages.0.conv1.conv.weight", names);
        Assert.Contains("decoders.wholebody.head.weight", names);
        Assert.Contains("decoders.chest.head.weight", names);
        Assert.Contains("decoders.chest.ups.1.weight", names);
        Assert.Equal(bank.state_dict().Count, bank.parameters().Count() + bank.buffers().Count());

        var outputs = bank.forward(randn(new long[] { 1, 1, 16, 16, 16 }));
        Assert.Equal(["chest", "wholebody"], outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 1, 2, 16, 16, 16 }, outputs["chest"].shape);
        Assert.Equal(new long[] { 1, 3, 16, 16, 16 }, outputs["wholebody"].shape);

        bank.SetEnabled("wholebody", false);
        Assert.Equal(["chest"], bank.forward(randn(new long[] { 1, 1, 16, 16, 16 })).Keys);
    }

    [Fact]
    public void Freezing_the_encoder_turns_off_its_gradients_only()
    {
        using var bank = new DecoderBank(TinyPlans.Plan());
        bank.FreezeEncoder();
        Assert.All(bank.Encoder.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(bank.GetDecoder("wholebody").parameters(), p => Assert.True(p.requires_grad));
        bank.FreezeEncoder(false);
        Assert.All(bank.Encoder.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Adding_an_existing_decoder_id_is_refused()
    {
        using var bank = new DecoderBank(TinyPlans.Plan());
        Assert.Throws<InvalidOperationException>(() => bank.AddDecoder(TinyPlans.Decoder("wholebody", "wholebody", ["liver"])));
        Assert.Throws<KeyNotFoundException>(() => bank.GetDecoder("nope"));
    }
}
