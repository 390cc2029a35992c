using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Persistence;

/// <summary>A model read from a directory: its plan (with fingerprints) and its networks.</summary>
/// <param name="Plan">The plan as read and checked.</param>
/// <param name="Bank">The encoder and decoders with their saved weights.</param>
public sealed record LoadedModel(ModelPlan Plan, DecoderBank Bank) : IDisposable
{
    /// <summary>Disposes the networks.</summary>
    public void Dispose() => Bank.Dispose();
}
