using System.Globalization;
using BenchmarkDotNet.Running;
using ContinualSegment.Benchmarks;

if (args.Length > 0 && args[0] == "generate")
{
    var paths = CtSeriesGenerator.Ensure(args.Length > 1 ? args[1] : CtSeriesGenerator.DefaultFolder);
    Console.WriteLine($"{paths.Count} files in {Path.GetDirectoryName(paths[0])}");
    return 0;
}

var summaries = BenchmarkSwitcher
    .FromTypes([typeof(DicomParseBenchmarks), typeof(CodecBenchmarks)])
    .Run(args, BenchmarkConfig.Create())
    .ToList();

var failed = summaries.Count == 0;
Console.WriteLine();
Console.WriteLine("Ratios (peer time / our time; above 1 means ours is faster):");
foreach (var summary in summaries)
{
    failed |= summary.HasCriticalValidationErrors;
    foreach (var group in summary.Reports.GroupBy(r => string.Join(",", r.BenchmarkCase.Descriptor.Categories)))
    {
        var peer = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
        if (peer?.ResultStatistics is null)
        {
            continue;
        }

        foreach (var ours in group.Where(r => !r.BenchmarkCase.Descriptor.Baseline))
        {
            if (ours.ResultStatistics is null)
            {
                failed = true;
                Console.WriteLine($"  {ours.BenchmarkCase.Descriptor.WorkloadMethod.Name}: no result");
                continue;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {ours.BenchmarkCase.Descriptor.WorkloadMethod.Name}: ratio ({peer.BenchmarkCase.Descriptor.WorkloadMethod.Name} time / our time) = {peer.ResultStatistics.Mean / ours.ResultStatistics.Mean:0.00} on means ({Ms(peer.ResultStatistics.Mean)} / {Ms(ours.ResultStatistics.Mean)}), {peer.ResultStatistics.Median / ours.ResultStatistics.Median:0.00} on medians"));
        }
    }

    failed |= summary.Reports.Any(r => !r.Success);
}

return failed ? 1 : 0;

static string Ms(double nanoseconds) =>
    string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.000} ms");
