using ContinualSegment.Model.Trimming;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests.Trimming;

public sealed class DistillerTests
{
    [Fact]
    public void Kl_term_is_zero_for_equal_logits_and_positive_otherwise()
    {
        torch.manual_seed(5);
        using var scope = NewDisposeScope();
        var teacher = randn(new long[] { 2, 3, 4, 4, 4 });
        var student = teacher.clone();

        Assert.Equal(0f, Distiller.KnowledgeDistillationLoss(student, teacher, 2.0).item<float>());
        Assert.True(Distiller.KnowledgeDistillationLoss(randn(new long[] { 2, 3, 4, 4, 4 }), teacher, 2.0).item<float>() > 1e-3f);
        Assert.True(Distiller.KnowledgeDistillationLoss(student.Plus(0.5), teacher, 2.0).item<float>() < 1e-6f);
    }

    [Fact]
    public void Kl_term_matches_a_hand_computation_for_one_voxel()
    {
        using var scope = NewDisposeScope();
        var teacher = tensor(new float[] { 2f, 0f }).reshape(1, 2, 1, 1, 1);
        var student = tensor(new float[] { 0f, 0f }).reshape(1, 2, 1, 1, 1);
        const double t = 2;
        var p = new[] { Math.Exp(1) / (Math.Exp(1) + 1), 1 / (Math.Exp(1) + 1) };
        var expected = t * t * ((p[0] * Math.Log(p[0] / 0.5)) + (p[1] * Math.Log(p[1] / 0.5)));

        Assert.Equal(expected, Distiller.KnowledgeDistillationLoss(student, teacher, t).item<float>(), 5);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Distiller(new DistillationOptions { Alpha = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Distiller(new DistillationOptions { Temperature = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimOptions { Population = 5, Candidates = 4 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimOptions { WidthMultipliers = [] }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimOptions { MaxRelativeDiceDrop = -0.1 }.Validate());
    }
}
