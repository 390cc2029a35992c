namespace ContinualSegment.Cli.Doctor;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl, postgres) a managed database needs.</summary>
public static class PostgresLocator
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// The directory holding all server binaries: <paramref name="configured"/> when given, else the newest
    /// <c>/usr/lib/postgresql/N/bin</c>, else PATH. Null when none holds all of them.
    /// </summary>
    public static string? FindServerBinaries(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasAll(configured) ? configured : null;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => x.Version >= 0 && HasAll(x.Dir))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = PeerTools.FindOnPath("postgres");
        var dir = onPath is null ? null : Path.GetDirectoryName(onPath);
        return dir is not null && HasAll(dir) ? dir : null;
    }

    private static bool HasAll(string dir) => Required.All(name => File.Exists(Path.Combine(dir, name)));
}
