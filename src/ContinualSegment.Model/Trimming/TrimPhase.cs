namespace ContinualSegment.Model.Trimming;

/// <summary>The steps of a trimming run, in order.</summary>
public enum TrimPhase
{
    /// <summary>Computing the frozen encoder's features and the teacher's logits.</summary>
    Caching,

    /// <summary>Evaluating search candidates.</summary>
    Search,

    /// <summary>Distilling a finalist in full.</summary>
    Distillation,

    /// <summary>Finished.</summary>
    Done,
}
