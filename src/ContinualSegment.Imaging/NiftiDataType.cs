namespace ContinualSegment.Imaging;

/// <summary>NIfTI-1 datatype codes (nifti1.h).</summary>
public enum NiftiDataType : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
    UInt32 = 768,
}
