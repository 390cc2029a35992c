using System.Net;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>Options of <c>cseg dicom listen</c>.</summary>
internal sealed record ListenToolOptions
{
    /// <summary>Our AE title (--aet); only associations calling it are accepted.</summary>
    public required string AeTitle { get; init; }

    /// <summary>Port (--port); 0 picks a free one.</summary>
    public required int Port { get; init; }

    /// <summary>Output directory (--out).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Flush every file to disk before answering success (--fsync).</summary>
    public bool Fsync { get; init; }

    /// <summary>Address to bind (--bind). Default any IPv4 address.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Most concurrent associations (--max-associations). Default 16.</summary>
    public int MaxAssociations { get; init; } = 16;

    /// <summary>DICOM TLS settings (--tls …); null listens on plain TCP.</summary>
    public DicomTlsOptions? Tls { get; init; }

    /// <summary>
    /// Transfer syntaxes to accept, in our order of preference (--accept-ts); empty accepts every syntax we can decode
    /// and lets the sender's first proposed one win.
    /// </summary>
    public IReadOnlyList<string> TransferSyntaxes { get; init; } = [];

    /// <summary>Called once listening, with the bound port.</summary>
    public Action<int>? Started { get; init; }
}
