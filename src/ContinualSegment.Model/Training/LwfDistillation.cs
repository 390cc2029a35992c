using ContinualSegment.Model.Networks;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Training;

/// <summary>
/// The Learning-without-Forgetting term of a training step (Li and Hoiem, 2016): the earlier decoders
/// <see cref="DecoderIds"/> of the bank being trained learn, on the new task's patches, the outputs a frozen
/// <see cref="Teacher"/> (the model as it was before the step: old encoder, old decoders) gives them. The term is
/// <see cref="Weight"/> · Σ over those decoders of T²·KL(softmax(teacher/T) ‖ softmax(student/T)) on their
/// full-resolution logits (<see cref="KnowledgeDistillation.Loss"/>, T = <see cref="Temperature"/>). The teacher runs
/// without gradients; the caller owns it and disposes it after the run.
/// </summary>
public sealed class LwfDistillation
{
    /// <summary>The default temperature T.</summary>
    public const double DefaultTemperature = 2;

    /// <summary>The default weight λ.</summary>
    public const double DefaultWeight = 1;

    /// <summary>
    /// Distils decoders <paramref name="decoderIds"/> from <paramref name="teacher"/>, which is frozen here (no parameter
    /// requires a gradient, evaluation mode). It must hold every one of them, on the device the trained bank is on.
    /// </summary>
    public LwfDistillation(DecoderBank teacher, IReadOnlyList<string> decoderIds, double temperature = DefaultTemperature, double weight = DefaultWeight)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(decoderIds);
        Validate(temperature, weight);
        if (decoderIds.Count == 0)
        {
            throw new ArgumentException("no decoder to distil", nameof(decoderIds));
        }

        if (decoderIds.Distinct(StringComparer.Ordinal).Count() != decoderIds.Count)
        {
            throw new ArgumentException($"a decoder is named twice: {string.Join(", ", decoderIds)}", nameof(decoderIds));
        }

        foreach (var id in decoderIds)
        {
            _ = teacher.GetDecoder(id);
        }

        foreach (var p in teacher.parameters())
        {
            p.requires_grad = false;
        }

        teacher.eval();
        Teacher = teacher;
        DecoderIds = [.. decoderIds];
        Temperature = temperature;
        Weight = weight;
    }

    /// <summary>The frozen model before the step.</summary>
    public DecoderBank Teacher { get; }

    /// <summary>The earlier decoders that are distilled (and trained), in the order the optimiser holds them.</summary>
    public IReadOnlyList<string> DecoderIds { get; }

    /// <summary>The temperature T.</summary>
    public double Temperature { get; }

    /// <summary>The weight λ.</summary>
    public double Weight { get; }

    /// <summary>Throws when a temperature or weight is out of range (T &gt; 0, λ ≥ 0, both finite).</summary>
    public static void Validate(double temperature, double weight)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the distillation temperature must be positive");
        }

        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "the distillation weight must be ≥ 0");
        }
    }

    /// <summary>
    /// λ · Σᵢ T²·KL(softmax(teacherᵢ/T) ‖ softmax(studentᵢ/T)) over pairs of logits [N, K, …] (same shapes pair by pair).
    /// Zero when every student equals its teacher.
    /// </summary>
    public static Tensor Loss(IReadOnlyList<Tensor> studentLogits, IReadOnlyList<Tensor> teacherLogits, double temperature, double weight)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        Validate(temperature, weight);
        if (studentLogits.Count != teacherLogits.Count || studentLogits.Count == 0)
        {
            throw new ArgumentException($"{studentLogits.Count} student and {teacherLogits.Count} teacher outputs; expected the same number, at least one", nameof(teacherLogits));
        }

        using var scope = NewDisposeScope();
        var sum = KnowledgeDistillation.Loss(studentLogits[0], teacherLogits[0], temperature);
        for (var i = 1; i < studentLogits.Count; i++)
        {
            sum = sum.Plus(KnowledgeDistillation.Loss(studentLogits[i], teacherLogits[i], temperature));
        }

        return sum.Times(weight).MoveToOuterDisposeScope();
    }

    /// <summary>The distillation term for the earlier decoders' logits <paramref name="studentLogits"/> (in <see cref="DecoderIds"/> order).</summary>
    public Tensor Loss(IReadOnlyList<Tensor> studentLogits, IReadOnlyList<Tensor> teacherLogits) => Loss(studentLogits, teacherLogits, Temperature, Weight);

    /// <summary>
    /// The teacher's full-resolution logits of every distilled decoder for <paramref name="images"/>, in
    /// <see cref="DecoderIds"/> order, computed without gradients under <paramref name="precision"/>'s autocast.
    /// </summary>
    public IReadOnlyList<Tensor> TeacherLogits(Tensor images, PrecisionContext precision)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(precision);
        using var noGrad = no_grad();
        using (precision.Autocast())
        {
            var logits = Teacher.RunDecoders(images, DecoderIds);
            return [.. DecoderIds.Select(id => logits[id])];
        }
    }
}
