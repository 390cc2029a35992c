using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// A C-STORE handler that writes each received instance as a PS3.10 file: file meta information built from the
/// command and the accepted transfer syntax, followed by the data set bytes exactly as received. Files are named
/// by SOP Instance UID (checked against the UID syntax, so nothing from the wire reaches a path unchecked); a file
/// appears complete under its name or not at all (see <see cref="ReceivedFile.Publish"/>), optionally flushed first.
/// </summary>
public sealed class StorageScp : IDicomStoreHandler
{
    private readonly StorageScpOptions options;
    private readonly string directory;

    /// <summary>Creates the handler; the output directory is created if missing.</summary>
    public StorageScp(StorageScpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        directory = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(directory);
    }

    /// <summary>The full path of the output directory.</summary>
    public string OutputDirectory => directory;

    /// <summary>The file name an instance is stored under, or null when the UID is not a valid UID.</summary>
    public static string? FileNameFor(string sopInstanceUid) =>
        sopInstanceUid is not null && DicomUid.IsValid(sopInstanceUid) ? sopInstanceUid + ".dcm" : null;

    /// <inheritdoc />
    public async ValueTask<DimseStatus> StoreAsync(DicomStoreContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = FileNameFor(context.SopInstanceUid);
        if (name is null || !DicomUid.IsValid(context.SopClassUid) || !DicomUid.IsValid(context.TransferSyntaxUid))
        {
            return DimseStatus.CannotUnderstand;
        }

        // The server wrote the file complete (meta information, then the data set as received); storing it is
        // giving it its final name, flushed to disk first when asked.
        var finalPath = Path.Combine(directory, name);
        context.File.Publish(finalPath, this.options.Fsync);

        if (this.options.InstanceStored is { } callback)
        {
            await callback(context, finalPath, cancellationToken).ConfigureAwait(false);
        }

        return DimseStatus.Success;
    }
}
