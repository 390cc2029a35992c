using System.Net;
using System.Security.Cryptography;
using ContinualSegment.Dicom.Network.Tls;
using ContinualSegment.Node.Export;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;
using ContinualSegment.Node.Workers;

namespace ContinualSegment.Node.Hosting;

/// <summary>The start-up rules of each configuration section: one line per problem, naming the key.</summary>
public static class NodeOptionsRules
{
    /// <summary>Problems of the <c>Node</c> section.</summary>
    public static IEnumerable<string> Node(NodeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Roles.Any(r => r == NodeRole.None || !Enum.IsDefined(r)))
        {
            yield return "Node:Roles may hold Ingest, Worker, Export, Scheduler or All";
        }

        if (o.TorchThreads is < 0 or > 1024)
        {
            yield return $"Node:TorchThreads must be 0 (automatic) to 1024, not {o.TorchThreads}";
        }
    }

    /// <summary>Problems of the <c>Dicom</c> section.</summary>
    public static IEnumerable<string> Dicom(DicomListenerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        foreach (var ae in o.OtherAeTitles.Prepend(o.AeTitle))
        {
            if (!IsAeTitle(ae))
            {
                yield return $"Dicom:AeTitle '{ae}' is not an AE title (1-16 characters, no backslash or control characters, not all spaces)";
            }
        }

        if (o.Port is < 0 or > 65535)
        {
            yield return $"Dicom:Port must be 0-65535, not {o.Port}";
        }

        if (!IPAddress.TryParse(o.BindAddress, out _))
        {
            yield return $"Dicom:BindAddress '{o.BindAddress}' is not an IP address";
        }

        if (o.MaxAssociations is < 1 or > 1000)
        {
            yield return $"Dicom:MaxAssociations must be 1-1000, not {o.MaxAssociations}";
        }

        for (var i = 0; i < o.AllowedCallers.Count; i++)
        {
            var c = o.AllowedCallers[i];
            if (!IsAeTitle(c.AeTitle))
            {
                yield return $"Dicom:AllowedCallers:{i}:AeTitle '{c.AeTitle}' is not an AE title";
            }

            if (c.Address.Length > 0 && !IPAddress.TryParse(c.Address, out _))
            {
                yield return $"Dicom:AllowedCallers:{i}:Address '{c.Address}' is not an IP address";
            }
        }

        if (o.Tls.Enabled)
        {
            foreach (var (key, file) in new[] { ("CertificateFile", o.Tls.CertificateFile), ("KeyFile", o.Tls.KeyFile) })
            {
                if (string.IsNullOrEmpty(file) || !File.Exists(file))
                {
                    yield return $"Dicom:Tls:{key} must name an existing PEM file when Dicom:Tls:Enabled is true ('{file}')";
                }
            }

            if (o.Tls.CaFile.Length > 0 && !File.Exists(o.Tls.CaFile))
            {
                yield return $"Dicom:Tls:CaFile '{o.Tls.CaFile}' does not exist";
            }
        }
    }

    /// <summary>Problems of the <c>Storage</c> section.</summary>
    public static IEnumerable<string> Storage(StorageOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (string.IsNullOrWhiteSpace(o.Root))
        {
            yield return "Storage:Root must name a directory";
        }

        if (o.LowWaterMarkMegabytes < 0)
        {
            yield return $"Storage:LowWaterMarkMegabytes must not be negative, not {o.LowWaterMarkMegabytes}";
        }

        if (o.KeepInstancesDays < 0 || o.KeepResultsDays < 0 || o.KeepUnprocessedDays < 0)
        {
            yield return "Storage:KeepInstancesDays, Storage:KeepResultsDays and Storage:KeepUnprocessedDays must not be negative (0 keeps)";
        }
    }

    /// <summary>Problems of the <c>Ingest</c> section.</summary>
    public static IEnumerable<string> Ingest(IngestOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.MaxGroupCommit is < 1 or > 4096)
        {
            yield return $"Ingest:MaxGroupCommit must be 1-4096, not {o.MaxGroupCommit}";
        }
    }

    /// <summary>Problems of the <c>Queue</c> section.</summary>
    public static IEnumerable<string> Queue(QueueOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.LeaseDuration < TimeSpan.FromSeconds(5))
        {
            yield return $"Queue:LeaseDuration must be at least 00:00:05, not {o.LeaseDuration}";
        }

        if (o.HeartbeatInterval <= TimeSpan.Zero || o.HeartbeatInterval * 2 > o.LeaseDuration)
        {
            yield return $"Queue:HeartbeatInterval must be positive and at most half of Queue:LeaseDuration ({o.HeartbeatInterval} vs {o.LeaseDuration})";
        }

        if (o.MaxAttempts is < 1 or > 100)
        {
            yield return $"Queue:MaxAttempts must be 1-100, not {o.MaxAttempts}";
        }

        if (o.RetryDelay < TimeSpan.Zero)
        {
            yield return "Queue:RetryDelay must not be negative";
        }
    }

    /// <summary>Problems of the <c>Scheduler</c> section.</summary>
    public static IEnumerable<string> Scheduler(SchedulerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Interval < TimeSpan.FromMilliseconds(100) || o.Interval > TimeSpan.FromHours(1))
        {
            yield return $"Scheduler:Interval must be 00:00:00.1 to 01:00:00, not {o.Interval}";
        }

        if (o.RetentionInterval < TimeSpan.FromSeconds(1) || o.RetentionInterval > TimeSpan.FromDays(1))
        {
            yield return $"Scheduler:RetentionInterval must be 00:00:01 to 1.00:00:00, not {o.RetentionInterval}";
        }

        if (o.ClusterCheckInInterval < TimeSpan.FromSeconds(1) || o.ClusterCheckInInterval > TimeSpan.FromMinutes(5))
        {
            yield return $"Scheduler:ClusterCheckInInterval must be 00:00:01 to 00:05:00, not {o.ClusterCheckInInterval}";
        }
    }

    /// <summary>Problems of the <c>Destinations</c> section.</summary>
    public static IEnumerable<string> Destinations(IReadOnlyDictionary<string, DestinationOptions> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        foreach (var (name, d) in destinations)
        {
            if (!IsAeTitle(d.AeTitle))
            {
                yield return $"Destinations:{name}:AeTitle '{d.AeTitle}' is not an AE title";
            }

            if (string.IsNullOrWhiteSpace(d.Host))
            {
                yield return $"Destinations:{name}:Host must be set";
            }

            if (d.Port is < 1 or > 65535)
            {
                yield return $"Destinations:{name}:Port must be 1-65535, not {d.Port}";
            }

            foreach (var problem in DestinationTls(name, d.Tls ?? new DestinationTlsOptions()))
            {
                yield return problem;
            }
        }
    }

    /// <summary>Problems of the <c>Model</c> section (for the worker role).</summary>
    public static IEnumerable<string> Model(WorkerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (!File.Exists(Path.Combine(o.Directory, "plan.json")))
        {
            yield return $"Model:Directory '{o.Directory}' holds no plan.json (give the model directory, e.g. models/default)";
        }

        if (o.Catalogue.Length > 0 && !File.Exists(o.Catalogue))
        {
            yield return $"Model:Catalogue '{o.Catalogue}' does not exist";
        }

        if (!double.IsFinite(o.BodyPartMargin) || o.BodyPartMargin < 0)
        {
            yield return $"Model:BodyPartMargin must be a number ≥ 0, not {o.BodyPartMargin.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        if (o.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"Model:PollInterval must be at least 00:00:00.1, not {o.PollInterval}";
        }

        if (o.PrefetchedSeries is < 0 or > 16)
        {
            yield return $"Model:PrefetchedSeries must be 0 (none) to 16, not {o.PrefetchedSeries}";
        }

        if (o.PrefetchAfter < TimeSpan.FromMilliseconds(100) || o.PrefetchKeep < TimeSpan.FromSeconds(1))
        {
            yield return $"Model:PrefetchAfter must be at least 00:00:00.1 and Model:PrefetchKeep at least 00:00:01, not {o.PrefetchAfter} and {o.PrefetchKeep}";
        }
    }

    /// <summary>Problems of the <c>Export</c> section.</summary>
    public static IEnumerable<string> Export(ExportOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (!IsAeTitle(o.CallingAeTitle))
        {
            yield return $"Export:CallingAeTitle '{o.CallingAeTitle}' is not an AE title";
        }

        if (o.FirstRetryDelay <= TimeSpan.Zero || o.MaxRetryDelay < o.FirstRetryDelay)
        {
            yield return $"Export:FirstRetryDelay must be positive and at most Export:MaxRetryDelay ({o.FirstRetryDelay} vs {o.MaxRetryDelay})";
        }

        if (o.GiveUpAfter < 2 * o.FirstRetryDelay)
        {
            // Less, and a delivery whose first send fails is already past its give-up time when its retry would be due.
            yield return $"Export:GiveUpAfter must be at least twice Export:FirstRetryDelay, so that a failed delivery is tried again at least once, not {o.GiveUpAfter} (first retry after {o.FirstRetryDelay})";
        }

        if (o.LeaseDuration < TimeSpan.FromSeconds(5) || o.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return "Export:LeaseDuration must be at least 00:00:05 and Export:PollInterval at least 00:00:00.1";
        }

        if (o.AssociationIdleTime < TimeSpan.Zero || o.AssociationIdleTime > TimeSpan.FromMinutes(5))
        {
            yield return $"Export:AssociationIdleTime must be 00:00:00 (one association per delivery) to 00:05:00, not {o.AssociationIdleTime}";
        }
    }

    // A destination's TLS material: each file named exists and is readable, then the whole loads as the exporter will
    // load it (certificate with its key, usable today; CA certificates parse).
    private static IEnumerable<string> DestinationTls(string name, DestinationTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            yield break;
        }

        var prefix = $"Destinations:{name}:Tls";
        var missing = false;
        foreach (var (key, file) in new[] { ("CaFile", tls.CaFile), ("CertificateFile", tls.CertificateFile), ("KeyFile", tls.KeyFile) })
        {
            if (file.Length > 0 && Unreadable(file) is { } why)
            {
                missing = true;
                yield return $"{prefix}:{key} '{file}' {why}";
            }
        }

        if (tls.KeyFile.Length > 0 && tls.CertificateFile.Length == 0)
        {
            missing = true;
            yield return $"{prefix}:KeyFile is set without {prefix}:CertificateFile";
        }

        if (tls.ServerName.Length > 0 && string.IsNullOrWhiteSpace(tls.ServerName))
        {
            missing = true;
            yield return $"{prefix}:ServerName must not be blank";
        }

        if (!missing && LoadProblem(tls) is { } problem)
        {
            yield return $"{prefix}: {problem}";
        }
    }

    private static string? Unreadable(string file)
    {
        if (!File.Exists(file))
        {
            return "does not exist";
        }

        try
        {
            using var stream = File.OpenRead(file);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({ex.Message})";
        }
    }

    private static string? LoadProblem(DestinationTlsOptions tls)
    {
        try
        {
            using var context = DicomTlsContext.Create(tls.ToClientOptions()!, isServer: false);
            return null;
        }
        catch (Exception ex) when (ex is DicomTlsConfigurationException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static bool IsAeTitle(string value) =>
        value.Length is >= 1 and <= 16 && !value.Any(c => c == '\\' || char.IsControl(c)) && value.Trim().Length > 0;
}
