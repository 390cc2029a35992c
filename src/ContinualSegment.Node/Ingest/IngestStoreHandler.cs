using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Storage;
using ContinualSegment.Dicom.Network.Tls;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Ingest;

/// <summary>
/// The node's C-STORE handler. Each instance arrives in an unnamed file; it is checked (UIDs, the command's SOP class and
/// instance against the data set's, modality, a readable pixel module), given its final name
/// <c>instances/STUDY/SERIES/SOP.dcm</c> under the storage root and flushed with its directory while its row is committed
/// (group commit); only when both are done is success answered. Below the free-space low-water mark the instance is refused with A700
/// before anything is named. A failure leaves nothing half-written: a new file whose row could not be committed is removed.
/// </summary>
public sealed class IngestStoreHandler : IDicomStoreHandler
{
    /// <summary>The SOP classes that are segmented.</summary>
    public static readonly IReadOnlySet<string> ProcessableSopClasses = new HashSet<string>([DicomUids.CTImageStorage, DicomUids.EnhancedCTImageStorage], StringComparer.Ordinal);

    private readonly string storageRoot;
    private readonly string instancesRoot;
    private readonly StorageOptions storage;
    private readonly IngestOptions options;
    private readonly InstanceRecorder recorder;
    private readonly IFreeSpace freeSpace;
    private readonly ILogger logger;
    private readonly Lock directoryLock = new();
    private readonly HashSet<string> knownDirectories = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IStoredSeriesObserver> observers;
    private readonly KeyedAsyncLock sameInstance = new();

    /// <summary>Creates the handler.</summary>
    public IngestStoreHandler(StorageOptions storage, IngestOptions options, InstanceRecorder recorder, IFreeSpace? freeSpace = null, ILogger<IngestStoreHandler>? logger = null, IReadOnlyList<IStoredSeriesObserver>? observers = null)
    {
        this.observers = observers ?? [];
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recorder);
        this.storage = storage;
        this.options = options;
        this.recorder = recorder;
        this.freeSpace = freeSpace ?? new DriveFreeSpace();
        this.logger = logger ?? NullLogger<IngestStoreHandler>.Instance;
        storageRoot = Path.GetFullPath(storage.Root);
        instancesRoot = Path.Combine(storageRoot, "instances");
        Directory.CreateDirectory(instancesRoot);
    }

    /// <summary>Where an instance is kept, relative to the storage root (all three UIDs validated by the caller).</summary>
    public static string RelativePathFor(string studyUid, string seriesUid, string sopInstanceUid) =>
        Path.Combine("instances", studyUid, seriesUid, sopInstanceUid + ".dcm");

    /// <inheritdoc />
    public async ValueTask<DimseStatus> StoreAsync(DicomStoreContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await StoreCoreAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StoreFailed(logger, context.SopInstanceUid, context.CallingAeTitle, ex);
            return DimseStatus.OutOfResources;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unexpected: answered as a processing failure, never swallowed silently.
            Log.StoreFailed(logger, context.SopInstanceUid, context.CallingAeTitle, ex);
            return DimseStatus.ProcessingFailure;
        }
    }

    private async ValueTask<DimseStatus> StoreCoreAsync(DicomStoreContext context, CancellationToken cancellationToken)
    {
        var lowWater = storage.LowWaterMarkMegabytes * 1024 * 1024;
        var free = freeSpace.AvailableBytes(instancesRoot);
        if (free < lowWater)
        {
            Log.LowOnSpace(logger, context.SopInstanceUid, context.CallingAeTitle, free / (1024 * 1024), storage.LowWaterMarkMegabytes);
            return DimseStatus.OutOfResources;
        }

        ReceivedInstance instance;
        try
        {
            instance = Describe(context);
        }
        catch (RefusedInstanceException ex)
        {
            Log.InstanceRefused(logger, context.SopInstanceUid, context.CallingAeTitle, ex.Status.Code, ex.Message);
            return ex.Status;
        }

        // The same instance on two associations at once (a sender that timed out and sent it again) goes one after the
        // other from naming its file to its row: otherwise one store's clean-up after a failure could delete the file the
        // other had just put in place and acknowledged.
        using var held = await sameInstance.LockAsync(instance.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        var finalPath = Path.Combine(storageRoot, instance.RelativePath);
        var existed = File.Exists(finalPath);
        var directory = Path.GetDirectoryName(finalPath)!;
        EnsureDirectory(directory);

        // A new file gets its final name first and is flushed while its row commits: the two flushes overlap instead of
        // following each other, and success is still answered only after both. Until then a crash can leave a row whose
        // file is missing or short; the sender had no success and sends again, and series completion discards such rows
        // (SeriesCompleter). A file that replaces one already there (the same instance again) is flushed before it takes
        // the name, so a complete earlier copy is never replaced by a part.
        var flushAfterNaming = options.Fsync && !existed;
        Publish(context.File, finalPath, directory, flushToDisk: options.Fsync && existed);
        var recording = RecordAsync(instance, cancellationToken);
        IOException? flushFailure = null;
        if (flushAfterNaming)
        {
            try
            {
                context.File.FlushToDisk();
            }
            catch (IOException ex)
            {
                flushFailure = ex;
            }
        }

        try
        {
            var outcome = await recording.ConfigureAwait(false);
            if (flushFailure is not null)
            {
                // The row may stand; without its file series completion discards it.
                TryDelete(finalPath);
                Log.StoreFailed(logger, instance.SopInstanceUid, context.CallingAeTitle, flushFailure);
                return DimseStatus.OutOfResources;
            }

            Log.InstanceStored(logger, instance.SopInstanceUid, context.CallingAeTitle, instance.TransferSyntaxUid, outcome == RecordOutcome.Duplicate);
            if (instance.Processable)
            {
                foreach (var observer in observers)
                {
                    observer.InstanceStored(directory);
                }
            }

            return DimseStatus.Success;
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            if (!existed)
            {
                TryDelete(finalPath);
            }

            Log.RecordFailed(logger, instance.SopInstanceUid, ex.Message);
            return DimseStatus.OutOfResources;
        }
    }

    /// <summary>Starts recording <paramref name="instance"/>; a refusal (the recorder is stopping) arrives with the task, not before it.</summary>
    private async Task<RecordOutcome> RecordAsync(ReceivedInstance instance, CancellationToken cancellationToken) =>
        await recorder.RecordAsync(instance, cancellationToken).ConfigureAwait(false);

    /// <summary>Gives the received file its final name; a directory removed since this handler made it is made again.</summary>
    private void Publish(ReceivedFile file, string finalPath, string directory, bool flushToDisk)
    {
        try
        {
            file.Publish(finalPath, flushToDisk);
        }
        catch (IOException) when (!Directory.Exists(directory))
        {
            // Removed since this handler made it (retention purged the series, an administrator cleaned up): make it
            // again and publish once more, instead of failing every later instance of the series until a restart.
            ForgetDirectories();
            EnsureDirectory(directory);
            file.Publish(finalPath, flushToDisk);
        }
    }

    private ReceivedInstance Describe(DicomStoreContext context)
    {
        if (!DicomUid.IsValid(context.SopInstanceUid) || !DicomUid.IsValid(context.SopClassUid) || !DicomUid.IsValid(context.TransferSyntaxUid))
        {
            throw new RefusedInstanceException(DimseStatus.CannotUnderstand, "the command's UIDs are not valid UIDs");
        }

        DicomFile file;
        try
        {
            file = DicomFile.Open(context.FilePath, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        }
        catch (DicomException ex)
        {
            throw new RefusedInstanceException(DimseStatus.CannotUnderstand, $"the data set cannot be read: {ex.Message}");
        }

        // Values are read while the file is open: a disposed file's values are gone.
        using (file)
        {
            try
            {
                return Describe(context, file.Dataset);
            }
            catch (DicomException ex)
            {
                throw new RefusedInstanceException(DimseStatus.CannotUnderstand, $"the data set cannot be read: {ex.Message}");
            }
        }
    }

    private ReceivedInstance Describe(DicomStoreContext context, DicomDataset data)
    {

        string Required(DicomTag tag, string name)
        {
            var value = data.GetStringOrDefault(tag).Trim();
            return DicomUid.IsValid(value) ? value : throw new RefusedInstanceException(DimseStatus.CannotUnderstand, $"{name} is missing or not a valid UID");
        }

        var sopInstance = Required(DicomTags.SOPInstanceUID, "SOP Instance UID");
        var sopClass = Required(DicomTags.SOPClassUID, "SOP Class UID");
        var study = Required(DicomTags.StudyInstanceUID, "Study Instance UID");
        var series = Required(DicomTags.SeriesInstanceUID, "Series Instance UID");
        if (!string.Equals(sopInstance, context.SopInstanceUid, StringComparison.Ordinal) || !string.Equals(sopClass, context.SopClassUid, StringComparison.Ordinal))
        {
            throw new RefusedInstanceException(DimseStatus.DataSetDoesNotMatchSopClass, "the data set's SOP Class or Instance UID differs from the command's");
        }

        var processable = ProcessableSopClasses.Contains(sopClass);
        var modality = data.GetStringOrDefault(DicomTags.Modality).Trim();
        if (processable)
        {
            if (!string.Equals(modality, "CT", StringComparison.Ordinal))
            {
                throw new RefusedInstanceException(DimseStatus.DataSetDoesNotMatchSopClass, $"a CT image with modality '{modality}'");
            }

            CheckPixelModule(data, sopClass);
        }
        else if (!options.StoreOtherStorageClasses)
        {
            throw new RefusedInstanceException(DimseStatus.SopClassNotSupported, "only CT images are accepted");
        }

        return new ReceivedInstance
        {
            SopInstanceUid = sopInstance,
            SopClassUid = sopClass,
            SeriesInstanceUid = series,
            StudyInstanceUid = study,
            PatientId = data.GetStringOrDefault(DicomTags.PatientID).Trim(),
            IssuerOfPatientId = data.GetStringOrDefault(DicomTags.IssuerOfPatientID).Trim(),
            PatientName = data.GetStringOrDefault(DicomTags.PatientName).Trim(),
            PatientBirthDate = data.GetStringOrDefault(DicomTags.PatientBirthDate).Trim(),
            PatientSex = data.GetStringOrDefault(DicomTags.PatientSex).Trim(),
            AccessionNumber = data.GetStringOrDefault(DicomTags.AccessionNumber).Trim(),
            StudyDate = data.GetStringOrDefault(DicomTags.StudyDate).Trim(),
            StudyDescription = data.GetStringOrDefault(DicomTags.StudyDescription).Trim(),
            Modality = modality,
            BodyPartExamined = data.GetStringOrDefault(DicomTags.BodyPartExamined).Trim(),
            SeriesDescription = data.GetStringOrDefault(DicomTags.SeriesDescription).Trim(),
            SliceThickness = double.TryParse(data.GetStringOrDefault(DicomTags.SliceThickness), NumberStyles.Float, CultureInfo.InvariantCulture, out var thickness) ? thickness : null,
            TransferSyntaxUid = context.TransferSyntaxUid,
            RelativePath = RelativePathFor(study, series, sopInstance),
            SizeBytes = context.DataSetOffset + context.DataSetLength,
            Processable = processable,
            CallingAeTitle = context.CallingAeTitle,
            CalledAeTitle = context.CalledAeTitle,
            Peer = context.RemoteEndPoint?.ToString() ?? string.Empty,
        };
    }

    private static void CheckPixelModule(DicomDataset data, string sopClass)
    {
        int Positive(DicomTag tag, string name)
        {
            var value = data.GetInt32OrDefault(tag, 0);
            return value > 0 ? value : throw new RefusedInstanceException(DimseStatus.CannotUnderstand, $"the pixel module is not readable: {name} is missing or not positive");
        }

        _ = Positive(DicomTags.Rows, "Rows");
        _ = Positive(DicomTags.Columns, "Columns");
        var allocated = Positive(DicomTags.BitsAllocated, "Bits Allocated");
        var stored = Positive(DicomTags.BitsStored, "Bits Stored");
        if (allocated is not (8 or 16 or 32) || stored > allocated)
        {
            throw new RefusedInstanceException(DimseStatus.CannotUnderstand, $"the pixel module is not readable: {stored} bits stored in {allocated} allocated");
        }

        if (data.GetInt32OrDefault(DicomTags.SamplesPerPixel, 1) != 1)
        {
            throw new RefusedInstanceException(DimseStatus.CannotUnderstand, "the pixel module is not readable: a CT image must have one sample per pixel");
        }

        if (string.Equals(sopClass, DicomUids.CTImageStorage, StringComparison.Ordinal) && !data.Contains(DicomTags.ImagePositionPatient))
        {
            throw new RefusedInstanceException(DimseStatus.CannotUnderstand, "Image Position (Patient) is missing: the slice cannot be placed");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the retention clean-up; the instance has no row, so nothing refers to it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>Forgets every directory made so far (others may have gone too), so <see cref="EnsureDirectory"/> checks each again.</summary>
    private void ForgetDirectories()
    {
        lock (directoryLock)
        {
            knownDirectories.Clear();
        }
    }

    /// <summary>Creates the instance's directories once, flushing each parent so the new entries survive a crash.</summary>
    private void EnsureDirectory(string directory)
    {
        lock (directoryLock)
        {
            if (knownDirectories.Contains(directory))
            {
                return;
            }
        }

        var missing = new Stack<string>();
        for (var d = directory; !Directory.Exists(d); d = Path.GetDirectoryName(d)!)
        {
            missing.Push(d);
        }

        while (missing.TryPop(out var d))
        {
            Directory.CreateDirectory(d);
            if (options.Fsync)
            {
                DirectoryFlush.Flush(Path.GetDirectoryName(d)!);
            }
        }

        lock (directoryLock)
        {
            knownDirectories.Add(directory);
        }
    }
}
