using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Training;

/// <summary>
/// The knowledge-distillation loss (Hinton et al., 2015) shared by decoder trimming (a student learns a trimmed copy of a
/// decoder) and Learning without Forgetting (earlier decoders keep what they did before a step that retrains the encoder).
/// </summary>
public static class KnowledgeDistillation
{
    /// <summary>
    /// T²·KL(softmax(teacher/T) ‖ softmax(student/T)): summed over the class axis (1), averaged over
    /// the batch and all voxels. Zero exactly when the two logit tensors are equal.
    /// </summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive");
        }

        if (!studentLogits.shape.SequenceEqual(teacherLogits.shape) || studentLogits.dim() < 2)
        {
            throw new ArgumentException($"student logits [{string.Join(',', studentLogits.shape)}] and teacher logits [{string.Join(',', teacherLogits.shape)}] must have the same [N, K, …] shape", nameof(teacherLogits));
        }

        using var scope = NewDisposeScope();
        var logStudent = nn.functional.log_softmax(studentLogits.DividedBy(temperature), 1);
        var logTeacher = nn.functional.log_softmax(teacherLogits.DividedBy(temperature), 1);
        var kl = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean();
        return kl.Times(temperature * temperature).MoveToOuterDisposeScope();
    }
}
