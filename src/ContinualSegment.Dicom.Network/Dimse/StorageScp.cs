namespace ContinualSegment.Dicom.Network;

/// <summary>
/// A C-STORE handler that writes each received instance as a PS3.10 file: file meta information built from the
/// command and the accepted transfer syntax, followed by the data set bytes exactly as received. Files are named
/// by SOP Instance UID (checked against the UID syntax, so nothing from the wire reaches a path unchecked), written
/// under a temporary name and renamed into place; optionally flushed to disk first.
/// </summary>
public sealed class StorageScp : IDicomStoreHandler
{
    private readonly StorageScpOptions _options;
    private readonly string _directory;

    /// <summary>Creates the handler; the output directory is created if missing.</summary>
    public StorageScp(StorageScpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _directory = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The full path of the output directory.</summary>
    public string OutputDirectory => _directory;

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

        var finalPath = Path.Combine(_directory, name);
        var partialPath = Path.Combine(_directory, "." + name + "." + Guid.NewGuid().ToString("N") + ".partial");
        var header = Part10Header.Build(context.SopClassUid, context.SopInstanceUid, context.TransferSyntaxUid, context.CallingAeTitle);
        try
        {
            var output = new FileStream(partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            {
                await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                var input = new FileStream(context.DataSetPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (input.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_options.Fsync)
                {
                    output.Flush(flushToDisk: true);
                }
            }

            File.Move(partialPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(partialPath);
            throw;
        }

        if (_options.InstanceStored is { } callback)
        {
            await callback(context, finalPath, cancellationToken).ConfigureAwait(false);
        }

        return DimseStatus.Success;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
