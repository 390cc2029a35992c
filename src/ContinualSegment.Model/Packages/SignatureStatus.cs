namespace ContinualSegment.Model.Packages;

/// <summary>What the reader found out about a package's signature.</summary>
public enum SignatureStatus
{
    /// <summary>The package has no <c>manifest.sig</c>.</summary>
    Unsigned,

    /// <summary>The package is signed but no trusted keys were configured, so the signature was not checked.</summary>
    NotChecked,

    /// <summary>The signature verified against a trusted key.</summary>
    Verified,
}
