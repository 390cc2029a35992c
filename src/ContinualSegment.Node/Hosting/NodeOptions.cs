namespace ContinualSegment.Node.Hosting;

/// <summary>The <c>Node</c> section: this process's roles and identity.</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Node";

    /// <summary>Roles of this process; empty: all of them.</summary>
    public IList<NodeRole> Roles { get; } = [];

    /// <summary>This process's name in leases and audit events; empty: host name and process id.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>libtorch threads for inference; 0: one less than the processor count (at least 1), so ingest stays responsive.</summary>
    public int TorchThreads { get; set; }

    /// <summary>
    /// Write the patient's ID and name into the log lines that name a series (series completion); off by default, so
    /// logs carry UIDs only and a log shipped to a support desk or a log server holds no patient data.
    /// </summary>
    public bool LogPatientIdentifiers { get; set; }

    /// <summary>The combined roles.</summary>
    public NodeRole EffectiveRoles => Roles.Count == 0 ? NodeRole.All : Roles.Aggregate(NodeRole.None, (a, r) => a | r);

    /// <summary>The name used for leases.</summary>
    public string EffectiveName => Name.Length > 0 ? Name : $"{Environment.MachineName}-{Environment.ProcessId}";
}
