namespace ContinualSegment.Model.Training;

/// <summary>Optimisers the trainer offers.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with Nesterov momentum and a polynomial learning-rate decay (nnU-Net's default).</summary>
    SgdPoly,

    /// <summary>AdamW with the same polynomial decay.</summary>
    AdamW,
}
