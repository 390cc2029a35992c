using System.Globalization;

namespace ContinualSegment.Model.Runtime;

/// <summary>Peak resident memory (VmHWM) of a process, from <c>/proc/&lt;pid&gt;/status</c> (Linux); null where it cannot be read.</summary>
public static class ProcessMemory
{
    /// <summary>This process's peak resident set in bytes.</summary>
    public static long? PeakBytes() => Read("/proc/self/status");

    /// <summary>Another process's peak resident set in bytes (while it runs).</summary>
    public static long? PeakBytes(int processId) => Read($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status");

    private static long? Read(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line["VmHWM:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
