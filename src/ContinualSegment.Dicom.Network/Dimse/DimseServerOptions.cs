using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Settings of a <see cref="DimseServer"/>.</summary>
public sealed record DimseServerOptions
{
    /// <summary>Port, bind address, association limit and per-association upper layer settings.</summary>
    public UpperLayerServerOptions Server { get; init; } = new();

    /// <summary>Directory for data sets being received; null uses the system temporary directory.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Largest C-STORE data set accepted (streamed to disk, not held in memory). Default 4 GiB.</summary>
    public long MaxDataSetLength { get; init; } = 4L << 30;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Server);
        Server.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDataSetLength, 1);
        if (TempDirectory is not null && string.IsNullOrWhiteSpace(TempDirectory))
        {
            throw new ArgumentException("The temporary directory must not be blank.", nameof(TempDirectory));
        }
    }
}
