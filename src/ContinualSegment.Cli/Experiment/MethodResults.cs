namespace ContinualSegment.Cli.Experiment;

/// <summary>What the experiment holds of one method.</summary>
/// <param name="Method">The method.</param>
/// <param name="Final">
/// The final scores by task: after the last step for a sequential method, of the task's own model for the upper bound.
/// Tasks whose evaluation is missing are absent.
/// </param>
/// <param name="Forgetting">The forgetting matrix of a sequential method; null for the upper bound.</param>
/// <param name="Models">The models counted: a sequential method's model after the last step, the upper bound's model per task.</param>
/// <param name="Parameters">Parameters of the method's final models together; null when one of them is missing.</param>
public sealed record MethodResults(
    string Method,
    IReadOnlyDictionary<string, TaskScores> Final,
    ForgettingMatrix? Forgetting,
    IReadOnlyList<ModelParameters> Models,
    long? Parameters)
{
    /// <summary>The parameters of <paramref name="task"/>'s decoder in the method's only model; null when the method has several models or the decoder is missing.</summary>
    public long? DecoderParameters(string task) =>
        Models.Count == 1 && Models[0].Decoders.FirstOrDefault(d => d.Key == task) is { Key: not null } d ? d.Value : null;
}
