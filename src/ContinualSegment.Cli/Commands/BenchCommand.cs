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
        var receivedDir = new Option<string?>("--received-dir") { Description = "Where both receivers write, in a directory of the run's own that is removed afterwards (default: in /dev/shm where there is one with room for both receivers, else under --work)." };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs to our receiver over the parallel associations before timing (the runtime compiles its code in tiers).", DefaultValueFactory = _ => 20 };
        var durable = new Option<bool>("--durable") { Description = "Our receiver is the node's ingest with full durability (fsync + committed row before success), on disk; Orthanc (default configuration) is measured too." };
        var connection = new Option<string?>("--connection") { Description = "With --durable: the database (default: a managed PostgreSQL cluster under --work)." };
        var ingest = new Command("ingest", "storescu → storescp versus storescu → our storage SCP (or, with --durable, the node's ingest and Orthanc), 1 and N associations.") { series, work, repetitions, parallel, receivedDir, warmup, durable, connection };
        ingest.SetAction(async (parse, ct) =>
        {
            var bench = new IngestBenchmark(new IngestBenchmarkOptions(parse.GetValue(series), parse.GetValue(work)!, parse.GetValue(repetitions), parse.GetValue(parallel), parse.GetValue(receivedDir), parse.GetValue(warmup), parse.GetValue(durable), parse.GetValue(connection)), output);
            await bench.RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        command.Subcommands.Add(ingest);
        command.Subcommands.Add(Inference(output));
        command.Subcommands.Add(EndToEnd(output));
        command.Subcommands.Add(Methods(output));
        command.Subcommands.Add(Gating(output));
        return command;
    }

    private static Command Gating(TextWriter output)
    {
        var model = new Option<string?>("--model") { Description = "The model, with its body-part regressor (default: models/default)." };
        var work = new Option<string>("--work") { Description = "Working directory: the phantom study (reused when present), bench-gating.json and bench-gating.md.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "cseg-bench-gating") };
        var size = new Option<int>("--size") { Description = "In-plane matrix of the whole-body study the partial scans are cut from.", DefaultValueFactory = _ => 512 };
        var slices = new Option<int>("--slices") { Description = "Slices of that study.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Phantom seed.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs of every scan with and without gating (median).", DefaultValueFactory = _ => 1 };
        var command = new Command("gating", "What body-part gating saves on partial fields of view: head and neck, head, chest, abdomen and pelvis and whole-body scans cut from one phantom study, each segmented with gating and with every decoder on every slice; decoders run and skipped, time saved, mean Dice either way.")
        {
            model, work, size, slices, seed, threads, repeats,
        };
        command.SetAction(async (parse, ct) =>
        {
            GatingBenchmarkOptions options;
            try
            {
                options = new GatingBenchmarkOptions(parse.GetValue(model) ?? SegmentCommand.DefaultModelDirectory(), parse.GetValue(work)!, parse.GetValue(size), parse.GetValue(slices), parse.GetValue(seed), parse.GetValue(threads), parse.GetValue(repeats));
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            await new GatingBenchmark(options, output).RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }

    private static Command Methods(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The continual model: one encoder and every task's decoder.", Required = true };
        var separate = new Option<string[]>("--separate") { Description = "A separate full model to compare with (give it once per model, e.g. one per task).", Required = true, AllowMultipleArgumentsPerToken = false };
        var work = new Option<string>("--work") { Description = "Working directory: the phantom study (reused when present) and bench-methods.json.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "cseg-bench-methods") };
        var size = new Option<int>("--size") { Description = "In-plane matrix of the study.", DefaultValueFactory = _ => 512 };
        var slices = new Option<int>("--slices") { Description = "Slices of the study.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Phantom seed.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs of every model (median).", DefaultValueFactory = _ => 1 };
        var ctSeries = new Option<string?>("--series") { Description = "A CT series directory to run on (default: a generated whole-body phantom study, --size × --size × --slices)." };
        var command = new Command("methods", "The continual model against the separate full models it replaces, on one whole-body phantom CT in one process: inference time and parameters, continual / separate (goal ≤ 0.4 each).")
        {
            model, separate, work, size, slices, seed, threads, repeats, ctSeries,
        };
        command.SetAction(async (parse, ct) =>
        {
            MethodsBenchmarkOptions options;
            try
            {
                options = new MethodsBenchmarkOptions(parse.GetValue(model)!, parse.GetValue(separate) ?? [], parse.GetValue(work)!, parse.GetValue(size), parse.GetValue(slices), parse.GetValue(seed), parse.GetValue(threads), parse.GetValue(repeats), parse.GetValue(ctSeries));
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            await new MethodsBenchmark(options, output).RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }

    private static Command EndToEnd(TextWriter output)
    {
        var model = new Option<string?>("--model") { Description = "The node's model (default: models/default)." };
        var work = new Option<string>("--work") { Description = "Working directory: the phantom study (reused when present), the node's storage and database, the PACS's files, bench-e2e.json.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "cseg-bench-e2e") };
        var size = new Option<int>("--size") { Description = "In-plane matrix of the study.", DefaultValueFactory = _ => 512 };
        var slices = new Option<int>("--slices") { Description = "Slices of the study.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Phantom seed.", DefaultValueFactory = _ => 1 };
        var quiet = new Option<int>("--quiet-period") { Description = "The node's quiet period in seconds.", DefaultValueFactory = _ => 5 };
        var connection = new Option<string?>("--connection") { Description = "The node's database (default: a managed PostgreSQL cluster under --work)." };
        var threads = new Option<int>("--threads") { Description = "The node's libtorch threads (Node:TorchThreads; 0: one less than the processors).", DefaultValueFactory = _ => 0 };
        var cold = new Option<bool>("--cold") { Description = "Time the first study after the node's start (default: a small untimed study goes through first, so the timed one meets the node in its steady state)." };
        var command = new Command("e2e", "cseg serve end to end: first C-STORE of a phantom study to SEG + RTSTRUCT at a storescp PACS, split by stage from the node's records; the node's overhead against inference (goal ≤ 5 %).")
        {
            model, work, size, slices, seed, quiet, connection, threads, cold,
        };
        command.SetAction(async (parse, ct) =>
        {
            E2eBenchmarkOptions options;
            try
            {
                options = new E2eBenchmarkOptions(parse.GetValue(model), parse.GetValue(work)!, parse.GetValue(size), parse.GetValue(slices), parse.GetValue(seed), parse.GetValue(quiet), parse.GetValue(connection), parse.GetValue(threads), !parse.GetValue(cold));
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            await new E2eBenchmark(options, output).RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }

    private static Command Inference(TextWriter output)
    {
        var model = new Option<string?>("--model") { Description = "Model directory (default: models/default next to cseg or in the repository root above it)." };
        var outDir = new Option<string>("--out") { Description = "Working directory: the phantom study (ct/, truth.nii.gz, reused when present), results and bench-inference.json.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "cseg-bench-inference") };
        var untrained = new Option<bool>("--untrained") { Description = "Use a model with untrained weights (the shipped CPU plan, one full decoder per catalogue task): timing only." };
        var size = new Option<int>("--size") { Description = "In-plane matrix of the study.", DefaultValueFactory = _ => 512 };
        var slices = new Option<int>("--slices") { Description = "Slices of the study.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Phantom seed.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        var stageInfer = new Option<string?>("--stage-infer") { Hidden = true };
        var stageReport = new Option<string?>("--stage-report") { Hidden = true };
        var command = new Command("inference", "Model inference on a 512×512×300 whole-body phantom CT against writing SEG + RTSTRUCT of its ground truth (all its catalogue structures): times, their ratio (goal ≤ 5 %) and each stage's peak memory, measured in its own process (goal < 2 GB).")
        {
            model, outDir, untrained, size, slices, seed, threads, stageInfer, stageReport,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(stageInfer) is { } series)
            {
                var modelDir = parse.GetValue(model) ?? throw new InvalidDataException("--stage-infer needs --model");
                var report = parse.GetValue(stageReport) ?? throw new InvalidDataException("--stage-infer needs --stage-report");
                await InferenceBenchmark.RunInferenceStageAsync(Path.GetFullPath(series), Path.GetFullPath(modelDir), Path.GetFullPath(report), parse.GetValue(threads), ct).ConfigureAwait(false);
                return CsegApp.Success;
            }

            InferenceBenchmarkOptions options;
            try
            {
                options = new InferenceBenchmarkOptions(parse.GetValue(model), parse.GetValue(outDir)!, parse.GetValue(untrained), parse.GetValue(size), parse.GetValue(slices), parse.GetValue(seed), parse.GetValue(threads));
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            await new InferenceBenchmark(options, output).RunAsync(ct).ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }
}
