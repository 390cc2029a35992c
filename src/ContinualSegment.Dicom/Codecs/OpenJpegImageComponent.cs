using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Layout of OpenJPEG 2.x's opj_image_comp_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpenJpegImageComponent
{
    public uint Dx;
    public uint Dy;
    public uint W;
    public uint H;
    public uint X0;
    public uint Y0;
    public uint Prec;
    public uint Bpp;
    public uint Sgnd;
    public uint ResnoDecoded;
    public uint Factor;
    public int* Data;
    public ushort Alpha;
}
