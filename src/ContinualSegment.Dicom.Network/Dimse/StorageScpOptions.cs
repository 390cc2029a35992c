using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Settings of a <see cref="StorageScp"/>.</summary>
public sealed record StorageScpOptions
{
    /// <summary>Directory receiving one Part 10 file per instance, named "SOPInstanceUID.dcm".</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Flush each file to disk (fsync) before answering success.</summary>
    public bool Fsync { get; init; }

    /// <summary>Called after an instance was written, with its final path.</summary>
    public Func<DicomStoreContext, string, CancellationToken, ValueTask>? InstanceStored { get; init; }

    /// <summary>Throws when a setting is invalid.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new ArgumentException("The output directory is required.", nameof(OutputDirectory));
        }
    }
}
