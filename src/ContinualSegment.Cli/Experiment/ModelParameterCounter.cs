using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Trimming;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// Counts the parameters of a model directory as the model loads it (<see cref="ModelStore.Load(string)"/>): every
/// parameter of the encoder and, per decoder, those on its inference path (<see cref="DecoderCostMeter.CountParameters"/>:
/// the deep-supervision heads used only in training are left out). The body-part regressor is not counted.
/// </summary>
public static class ModelParameterCounter
{
    /// <summary>Loads the model in <paramref name="directory"/> and counts its parameters.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="displayPath">How the report names the directory.</param>
    /// <exception cref="ContinualSegment.Model.Plans.ModelPlanException">The directory holds no complete model.</exception>
    public static ModelParameters Count(string directory, string displayPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        using var model = ModelStore.Load(directory);
        long encoder = model.Bank.Encoder.parameters().Sum(p => p.numel());
        var decoders = model.Plan.Decoders
            .Select(d => new KeyValuePair<string, long>(d.Id, DecoderCostMeter.CountParameters(model.Bank.GetDecoder(d.Id))))
            .ToArray();
        return new ModelParameters(displayPath, encoder, decoders);
    }
}
