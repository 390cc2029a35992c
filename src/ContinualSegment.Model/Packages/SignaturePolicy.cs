namespace ContinualSegment.Model.Packages;

/// <summary>Whether packages must be signed.</summary>
public enum SignaturePolicy
{
    /// <summary>
    /// Unsigned packages are accepted. A signed package is checked whenever trusted keys are
    /// configured (and refused when it does not verify); with no trusted keys its signature is not checked.
    /// </summary>
    Optional,

    /// <summary>Every package must carry a signature that verifies against a trusted key.</summary>
    Required,
}
