namespace ContinualSegment.Cli.Doctor;

/// <summary>The external programs the interoperability tests use as real peers.</summary>
public static class PeerTools
{
    /// <summary>Peer family and the executables it must provide.</summary>
    public static IReadOnlyList<(string Family, string Package, string[] Executables)> All { get; } =
    [
        ("dcmtk", "dcmtk", ["dcmdump", "echoscu", "storescu", "storescp", "findscu", "movescu", "wlmscpfs", "dcmqrscp", "dcmcrle", "dcmcjpeg"]),
        ("dicom3tools", "dicom3tools", ["dciodvfy"]),
        ("plastimatch", "plastimatch", ["plastimatch"]),
        ("dcm2niix", "dcm2niix", ["dcm2niix"]),
        ("orthanc", "orthanc", ["Orthanc"]),
    ];

    /// <summary>Finds an executable on PATH; null when absent.</summary>
    public static string? FindOnPath(string executable)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
