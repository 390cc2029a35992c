namespace ContinualSegment.Model.Packages;

/// <summary>Why a decoder package or a decoder operation was refused.</summary>
public enum DecoderPackageRefusal
{
    /// <summary>A file's SHA-256 or size differs from the manifest, or its data is corrupt.</summary>
    ChecksumMismatch,

    /// <summary>A file the manifest lists (or the manifest itself) is not in the package.</summary>
    MissingFile,

    /// <summary>The package holds a file the manifest does not list.</summary>
    UnlistedFile,

    /// <summary>A path in the package or the manifest could escape its folder or is malformed.</summary>
    UnsafePath,

    /// <summary>The package is larger than the configured limits.</summary>
    TooLarge,

    /// <summary>The package is not signed and signatures are required.</summary>
    NotSigned,

    /// <summary>The package is signed by a key that is not trusted.</summary>
    UntrustedSignature,

    /// <summary>The signature does not verify against the trusted key it names.</summary>
    BadSignature,

    /// <summary>The package was trained for another encoder than the installed one.</summary>
    EncoderMismatch,

    /// <summary>A class's codes differ from the catalogue's codes for that name.</summary>
    CatalogueMismatch,

    /// <summary>A decoder with the same id is already installed.</summary>
    AlreadyInstalled,

    /// <summary>The manifest (or the package as a whole) is malformed.</summary>
    InvalidManifest,

    /// <summary>No installed decoder has the given id.</summary>
    UnknownDecoder,

    /// <summary>The model directory lacks a readable plan with an encoder fingerprint.</summary>
    InvalidModelDirectory,

    /// <summary>The change would leave the model without an enabled decoder.</summary>
    LastEnabledDecoder,

    /// <summary>The decoder's provenance is not recorded and was not given.</summary>
    ProvenanceUnknown,

    /// <summary>
    /// The change would rewrite an installed package, whose manifest and payload are fixed (checksummed, and signed by
    /// its publisher); a new package version carries the change instead.
    /// </summary>
    InstalledPackageIsFixed,
}
