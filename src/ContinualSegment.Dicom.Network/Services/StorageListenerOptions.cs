using System.Net;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Services;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>Settings of a <see cref="StorageListener"/>.</summary>
public sealed record StorageListenerOptions
{
    /// <summary>Our AE title; only associations calling it are accepted.</summary>
    public required string AeTitle { get; init; }

    /// <summary>Port; 0 picks a free one (<see cref="StorageListener.Port"/> tells which).</summary>
    public required int Port { get; init; }

    /// <summary>Directory receiving every instance as SOPInstanceUID.dcm; data sets are received into its .incoming folder.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Flush every file to disk before answering success.</summary>
    public bool Fsync { get; init; }

    /// <summary>Address to bind. Default any IPv4 address.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Most concurrent associations. Default 16.</summary>
    public int MaxAssociations { get; init; } = 16;

    /// <summary>DICOM TLS settings; null listens on plain TCP.</summary>
    public DicomTlsOptions? Tls { get; init; }

    /// <summary>Accepted transfer syntaxes; null takes the default of <see cref="DicomAcceptancePolicies.Storage"/>.</summary>
    public IReadOnlyList<string>? TransferSyntaxes { get; init; }

    /// <summary>Whose order picks among several acceptable transfer syntaxes of one context. Default the sender's.</summary>
    public TransferSyntaxPreference TransferSyntaxPreference { get; init; } = TransferSyntaxPreference.FirstProposed;

    /// <summary>Told of every association (accepted, rejected, released, aborted) and every refused connection.</summary>
    public IAssociationObserver? Observer { get; init; }

    /// <summary>Called once per instance written under its final name, on the association's thread; it should return quickly.</summary>
    public Action<StoredInstance>? InstanceStored { get; init; }

    /// <summary>Loggers of the server and its associations.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
