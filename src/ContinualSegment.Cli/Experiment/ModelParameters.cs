namespace ContinualSegment.Cli.Experiment;

/// <summary>The parameters of one model directory: its encoder and each decoder of its plan.</summary>
/// <param name="Directory">The model directory, relative to the experiment's working directory.</param>
/// <param name="Encoder">Parameters of the encoder.</param>
/// <param name="Decoders">Parameters on each decoder's inference path, by decoder id in the plan's order.</param>
public sealed record ModelParameters(string Directory, long Encoder, IReadOnlyList<KeyValuePair<string, long>> Decoders)
{
    /// <summary>Encoder and decoders together.</summary>
    public long Total => Encoder + Decoders.Sum(d => d.Value);
}
