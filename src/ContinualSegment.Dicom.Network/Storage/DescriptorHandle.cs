using ContinualSegment.Dicom.Network.Storage;
using Microsoft.Win32.SafeHandles;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>Owns a Linux file descriptor opened through <see cref="LinuxFiles"/>; closing it is releasing it.</summary>
internal sealed class DescriptorHandle : SafeHandleMinusOneIsInvalid
{
    public DescriptorHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The descriptor number (meaningful while the handle is open).</summary>
    public int Descriptor => (int)handle;

    protected override bool ReleaseHandle() => LinuxFiles.CloseDescriptor((int)handle);
}
