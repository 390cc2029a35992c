using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Layout of OpenJPEG 2.x's opj_image_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpenJpegImage
{
    public uint X0;
    public uint Y0;
    public uint X1;
    public uint Y1;
    public uint NumComps;
    public int ColorSpace;
    public OpenJpegImageComponent* Comps;
    public byte* IccProfileBuffer;
    public uint IccProfileLength;
}
