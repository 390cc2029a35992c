using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests.Training;

public sealed class LwfDistillationTests
{
    [Fact]
    public void The_distillation_term_is_zero_when_the_students_are_their_teachers_and_positive_otherwise()
    {
        torch.manual_seed(7);
        using var scope = NewDisposeScope();
        Tensor[] teachers = [randn(new long[] { 2, 3, 4, 4, 4 }), randn(new long[] { 2, 2, 4, 4, 4 })];
        Tensor[] same = [teachers[0].clone(), teachers[1].clone()];
        Tensor[] changed = [teachers[0].clone(), teachers[1].Plus(randn(new long[] { 2, 2, 4, 4, 4 }).Times(0.5))];

        Assert.Equal(0f, LwfDistillation.Loss(same, teachers, 2, 1).item<float>());
        Assert.Equal(0f, LwfDistillation.Loss(same, teachers, 2, 100).item<float>());
        var loss = LwfDistillation.Loss(changed, teachers, 2, 1).item<float>();
        Assert.True(loss > 1e-4f, loss.ToString("G6", System.Globalization.CultureInfo.InvariantCulture));

        // λ · Σ over the decoders of T²·KL.
        var second = KnowledgeDistillation.Loss(changed[1], teachers[1], 2).item<float>();
        Assert.Equal(second, loss, 6);
        Assert.Equal(3 * second, LwfDistillation.Loss(changed, teachers, 2, 3).item<float>(), 5);
        Tensor[] bothChanged = [teachers[0].Times(2), changed[1]];
        Assert.Equal(KnowledgeDistillation.Loss(bothChanged[0], teachers[0], 2).item<float>() + second, LwfDistillation.Loss(bothChanged, teachers, 2, 1).item<float>(), 5);
    }

    [Fact]
    public void The_distillation_term_carries_gradients_to_the_students_only()
    {
        torch.manual_seed(8);
        using var scope = NewDisposeScope();
        var teacher = randn(new long[] { 1, 3, 2, 2, 2 });
        var student = randn(new long[] { 1, 3, 2, 2, 2 }).requires_grad_(true);

        LwfDistillation.Loss([student], [teacher], 2, 1).backward();

        Assert.NotNull(student.grad);
        Assert.True(student.grad!.abs().sum().item<float>() > 0);
        Assert.Null(teacher.grad);
    }

    [Fact]
    public void Bad_arguments_are_refused_and_the_teacher_is_frozen()
    {
        using var scope = NewDisposeScope();
        var a = randn(new long[] { 1, 2, 2, 2, 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => LwfDistillation.Loss([a], [a], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LwfDistillation.Loss([a], [a], 2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LwfDistillation.Loss([a], [a], double.NaN, 1));
        Assert.Throws<ArgumentException>(() => LwfDistillation.Loss([a], [a, a], 2, 1));
        Assert.Throws<ArgumentException>(() => LwfDistillation.Loss([a], [randn(new long[] { 1, 3, 2, 2, 2 })], 2, 1));

        torch.manual_seed(9);
        using var teacher = new DecoderBank(TinyPlans.Plan());
        Assert.Throws<KeyNotFoundException>(() => new LwfDistillation(teacher, ["nothing"]));
        Assert.Throws<ArgumentException>(() => new LwfDistillation(teacher, []));
        Assert.Throws<ArgumentException>(() => new LwfDistillation(teacher, ["wholebody", "wholebody"]));
        var distillation = new LwfDistillation(teacher, ["wholebody"]);
        Assert.Equal(LwfDistillation.DefaultTemperature, distillation.Temperature);
        Assert.Equal(LwfDistillation.DefaultWeight, distillation.Weight);
        Assert.All(teacher.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(teacher.training);
    }
}
