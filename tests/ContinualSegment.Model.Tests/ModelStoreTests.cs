using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests;

public sealed class ModelStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-model-");

    public void Dispose() => dir.Delete(true);

    [Fact]
    public void Saved_model_loads_into_fresh_modules_with_bit_identical_outputs()
    {
        torch.manual_seed(11);
        var plan = TinyPlans.Plan(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]), TinyPlans.Decoder("chest", "chest", ["pericardium"]));
        using var input = randn(new long[] { 1, 1, 16, 16, 16 });
        byte[] before;
        ModelPlan written;
        using (var bank = new DecoderBank(plan))
        {
            bank.eval();
            written = ModelStore.Save(bank, plan, dir.FullName);
            before = Outputs(bank, input);
        }

        Assert.True(File.Exists(Path.Combine(dir.FullName, "encoder.bin")));
        Assert.True(File.Exists(Path.Combine(dir.FullName, "decoders", "chest.bin")));
        Assert.Equal(64, written.EncoderFingerprint.Length);
        Assert.All(written.Decoders, d => Assert.Equal(written.EncoderFingerprint, d.EncoderFingerprint));

        torch.manual_seed(999);
        using var loaded = ModelStore.Load(dir.FullName);
        loaded.Bank.eval();
        Assert.Equal(written.EncoderFingerprint, ModelFingerprint.Compute(loaded.Bank.Encoder));
        Assert.Equal(before, Outputs(loaded.Bank, input));
    }

    [Fact]
    public void A_decoder_refuses_an_encoder_with_another_fingerprint()
    {
        torch.manual_seed(12);
        var plan = TinyPlans.Plan();
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, dir.FullName);
        }

        var saved = ModelPlanSerializer.Load(Path.Combine(dir.FullName, ModelStore.PlanFileName));
        torch.manual_seed(13);
        using var other = new DecoderBank(plan with { Decoders = [] });

        var ex = Assert.Throws<ModelPlanException>(() => ModelStore.InstallDecoder(other, saved.Decoders[0], ModelStore.DecoderPath(dir.FullName, "wholebody")));
        Assert.Contains("refuses this encoder", ex.Message, StringComparison.Ordinal);
        Assert.Empty(other.DecoderIds);
    }

    [Fact]
    public void Decoder_weights_of_another_architecture_are_refused_and_leave_the_bank_unchanged()
    {
        torch.manual_seed(17);
        var plan = TinyPlans.Plan();
        ModelPlan saved;
        using (var bank = new DecoderBank(plan))
        {
            saved = ModelStore.Save(bank, plan, dir.FullName);
        }

        using var loaded = ModelStore.Load(dir.FullName);
        var other = saved.Decoders[0] with
        {
            Id = "slim",
            Genotype = new DecoderGenotype { Stages = [new DecoderStageGene { Block = BlockType.SingleConv }, new DecoderStageGene { WidthMultiplier = 0.5 }] },
        };

        var ex = Assert.Throws<ModelPlanException>(() => ModelStore.InstallDecoder(loaded.Bank, other, ModelStore.DecoderPath(dir.FullName, "wholebody")));
        Assert.Contains("does not fit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["wholebody"], loaded.Bank.DecoderIds);
        Assert.DoesNotContain(loaded.Bank.state_dict().Keys, k => k.StartsWith("decoders.slim.", StringComparison.Ordinal));
    }

    [Fact]
    public void Appending_a_decoder_writes_only_its_file_and_the_plan()
    {
        torch.manual_seed(18);
        var plan = TinyPlans.Plan();
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, dir.FullName);
        var encoderBytes = File.ReadAllBytes(Path.Combine(dir.FullName, ModelStore.EncoderFileName));
        var firstBytes = File.ReadAllBytes(ModelStore.DecoderPath(dir.FullName, "wholebody"));
        bank.AddDecoder(TinyPlans.Decoder("chest", "chest", ["pericardium"]));

        var written = ModelStore.AppendDecoder(dir.FullName, bank, "chest");

        Assert.Equal(["wholebody", "chest"], written.Decoders.Select(d => d.Id));
        Assert.Equal(encoderBytes, File.ReadAllBytes(Path.Combine(dir.FullName, ModelStore.EncoderFileName)));
        Assert.Equal(firstBytes, File.ReadAllBytes(ModelStore.DecoderPath(dir.FullName, "wholebody")));
        using var loaded = ModelStore.Load(dir.FullName);
        Assert.Equal(["wholebody", "chest"], loaded.Bank.DecoderIds);
        Assert.Throws<ModelPlanException>(() => ModelStore.AppendDecoder(dir.FullName, bank, "chest"));
    }

    [Fact]
    public void Replaced_encoder_weights_are_detected_on_load()
    {
        torch.manual_seed(14);
        var plan = TinyPlans.Plan();
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, dir.FullName);
        }

        torch.manual_seed(15);
        using (var intruder = new GeneralEncoder(plan.Encoder, 1))
        {
            intruder.save(Path.Combine(dir.FullName, ModelStore.EncoderFileName));
        }

        var ex = Assert.Throws<ModelPlanException>(() => ModelStore.Load(dir.FullName));
        Assert.Contains("fingerprint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_changes_when_one_weight_changes()
    {
        torch.manual_seed(16);
        using var encoder = new GeneralEncoder(TinyPlans.Encoder(), 1);
        var a = ModelFingerprint.Compute(encoder);
        Assert.Equal(a, ModelFingerprint.Compute(encoder));
        using (no_grad())
        {
            encoder.state_dict()["stages.1.conv2.conv.bias"][0].PlusInPlace(1e-3);
        }

        Assert.NotEqual(a, ModelFingerprint.Compute(encoder));
    }

    internal static byte[] Outputs(DecoderBank bank, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outputs = bank.forward(input);
        return outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.contiguous().bytes.ToArray()).ToArray();
    }
}
