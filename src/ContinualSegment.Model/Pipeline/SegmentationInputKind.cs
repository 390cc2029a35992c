namespace ContinualSegment.Model.Pipeline;

/// <summary>What a <see cref="SegmentationInput"/> holds.</summary>
public enum SegmentationInputKind
{
    /// <summary>A directory holding one CT series (DICOM).</summary>
    SeriesDirectory,

    /// <summary>A CT volume as a NIfTI-1 file (.nii or .nii.gz), any orthonormal affine of either handedness.</summary>
    NiftiFile,

    /// <summary>A CT series the caller has loaded already (the node's workers).</summary>
    LoadedSeries,
}
