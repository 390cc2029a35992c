using System.Globalization;
using System.Text.RegularExpressions;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Starts a student decoder from its teacher's weights where their shapes allow, so that distillation fine-tunes a
/// slimmed copy of the teacher instead of learning from nothing (weight inheritance, as slimmable networks and one-shot
/// architecture search do). Every student parameter whose teacher namesake has the same rank and dimensions at least
/// as large takes a slice of it: the leading channels on channel axes (so a stage keeps the first channels of its
/// teacher stage, and every later layer reads the same channels), the centre on kernel axes (a 1×3×3 kernel is the
/// middle plane of a 3×3×3 one). A block's first convolution reads the upsampled channels and then the encoder's skip
/// feature: its input slice takes the student's upsampled channels from the teacher's and the whole skip feature from
/// where the teacher keeps it. Parameters without such a namesake (another block type, a wider layer, a depthwise
/// convolution where the teacher has a full one) keep their fresh initialisation.
/// </summary>
internal static partial class TeacherWeights
{
    /// <summary>
    /// A new student of <paramref name="plan"/> on <paramref name="cache"/>'s device, initialised from
    /// <paramref name="seed"/> and, with <see cref="TrimOptions.InheritTeacherWeights"/>, then given its teacher's slices.
    /// </summary>
    public static Decoder NewStudent(EncoderPlan encoder, Decoder teacher, DecoderPlan plan, FeatureCache cache, TrimOptions options, long seed)
    {
        torch.manual_seed(seed);
        var student = cache.OnDevice(new Decoder(encoder, plan));
        if (options.InheritTeacherWeights)
        {
            Inherit(encoder, teacher, student);
        }

        return student;
    }

    /// <summary>Copies the teacher's slices into <paramref name="student"/>; returns how many of its parameters were inherited and how many there are.</summary>
    public static (int Inherited, int Total) Inherit(EncoderPlan encoder, Decoder teacher, Decoder student)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        var teacherParameters = teacher.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var teacherWidths = DecoderCostMeter.StageWidths(encoder, teacher.Plan.Genotype);
        var studentWidths = DecoderCostMeter.StageWidths(encoder, student.Plan.Genotype);
        int inherited = 0, total = 0;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in student.named_parameters())
        {
            total++;
            if (!teacherParameters.TryGetValue(name, out var source) || source.dim() != parameter.dim())
            {
                continue;
            }

            var indices = new long[parameter.dim()][];
            var fits = true;
            for (var axis = 0; axis < parameter.dim() && fits; axis++)
            {
                long have = source.shape[axis], want = parameter.shape[axis];
                indices[axis] = axis == 1 && FirstBlockConvolution(name) is { } stage
                    ? JoinedInput(encoder, stage, teacherWidths[stage], studentWidths[stage], teacher.Plan.Genotype.Stages[stage].Skip, student.Plan.Genotype.Stages[stage].Skip, have, want)
                    : Slice(axis, have, want);
                fits = indices[axis].Length == want && indices[axis].All(i => i >= 0 && i < have);
            }

            // A depthwise kernel [C, 1, …] is no slice of a full convolution's [C_out, C_in, …].
            fits &= !(parameter.dim() == 5 && parameter.shape[1] == 1 && source.shape[1] != 1 && IsBlockConvolution(name));
            if (!fits)
            {
                continue;
            }

            var slice = source.detach();
            for (var axis = 0; axis < indices.Length; axis++)
            {
                using var index = tensor(indices[axis], device: source.device);
                var next = slice.index_select(axis, index);
                if (!ReferenceEquals(slice, source))
                {
                    slice.Dispose();
                }

                slice = next;
            }

            parameter.copy_(slice);
            slice.Dispose();
            inherited++;
        }

        return (inherited, total);
    }

    // Leading channels on the two channel axes, the centre on kernel axes.
    private static long[] Slice(int axis, long have, long want)
    {
        var offset = axis >= 2 ? (have - want) / 2 : 0;
        return [.. Enumerable.Range(0, (int)Math.Max(0, want)).Select(i => offset + i)];
    }

    // The first convolution of a block reads [upsampled (width) | skip]: the student's upsampled channels come from the
    // teacher's leading ones, its skip channels from behind the teacher's upsampled ones.
    private static long[] JoinedInput(EncoderPlan encoder, int stage, long teacherWidth, long studentWidth, bool teacherSkip, bool studentSkip, long have, long want)
    {
        var skip = encoder.Stages[stage].Width;
        var up = Enumerable.Range(0, (int)studentWidth).Select(i => (long)i);
        if (!studentSkip)
        {
            return [.. up];
        }

        return teacherSkip && studentWidth + skip == want && teacherWidth + skip == have
            ? [.. up, .. Enumerable.Range(0, (int)skip).Select(i => teacherWidth + i)]
            : [];
    }

    private static int? FirstBlockConvolution(string name)
    {
        var match = FirstConvolutionName().Match(name);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static bool IsBlockConvolution(string name) => name.StartsWith("blocks.", StringComparison.Ordinal) && name.EndsWith(".conv.weight", StringComparison.Ordinal);

    [GeneratedRegex(@"^blocks\.(\d+)\.layers\.0\.conv\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex FirstConvolutionName();
}
