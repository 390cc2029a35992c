using System.Diagnostics;
using ContinualSegment.Dicom.IO;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// What one durable file costs on a disk, as the node's ingest makes each instance durable: a file of the given size
/// written under a temporary name, flushed to disk, given its name and its directory flushed (<see cref="DurableFile"/>).
/// No receiver can answer success for a durable instance sooner.
/// </summary>
internal static class FlushProbe
{
    /// <summary>The median milliseconds over <paramref name="count"/> files of <paramref name="bytes"/> bytes in a folder under <paramref name="directory"/>.</summary>
    public static double MedianMilliseconds(string directory, int bytes, int count)
    {
        var probe = Path.Combine(directory, "flush-probe");
        Directory.CreateDirectory(probe);
        var data = new byte[bytes];
        new Random(1).NextBytes(data);
        var times = new List<double>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var watch = Stopwatch.StartNew();
                DurableFile.WriteAllBytes(Path.Combine(probe, $"{i}.bin"), data);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }

        return BenchStatistics.Median(times);
    }
}
