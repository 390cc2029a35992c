using System.CommandLine;
using ContinualSegment.Cli.Bench;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg bench</c>: speed measured against peers in the same run, reported as ratios.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("bench", "Benchmarks against peers run in the same process or script; prints ratios.");
        var series = new Option<string?>("--series") { Description = "A CT series directory to send (default: a generated 512×512×300 series)." };
        var work = new Option<string>("--work") { Description = "Working directory.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "cseg-bench-ingest") };
        var repetitions = new Option<int>("--repetitions") { Description = "Runs per case (median).", DefaultValueFactory = _ => 3 };
        var parallel = new Option<int>("--parallel") { Description = "Associations in the parallel case.", DefaultValueFactory = _ => 4 };
        var ingest = new Command("ingest", "storescu → storescp versus storescu → our storage SCP, 1 and N associations.") { series, work, repetitions, parallel };
        ingest.SetAction(async (parse, ct) =>
        {
            var bench = new IngestBenchmark(new IngestBenchmarkOptions(parse.GetValue(series), parse.GetValue(work)!, parse.GetValue(repetitions), parse.GetValue(parallel)), output);
            await bench.RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        command.Subcommands.Add(ingest);
        return command;
    }
}
