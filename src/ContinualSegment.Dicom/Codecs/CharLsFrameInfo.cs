using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Layout of CharLS's charls_frame_info.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CharLsFrameInfo
{
    public uint Width;
    public uint Height;
    public int BitsPerSample;
    public int ComponentCount;
}
