using System.CommandLine;
using System.Globalization;
using ContinualSegment.Cli.Training;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;
using ContinualSegment.Model.Trimming;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg trim</c>: architecture search and distillation for a smaller decoder within the Dice rule.</summary>
public static class TrimCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The model directory.", Required = true };
        var decoder = new Option<string>("--decoder") { Description = "Id of the decoder to trim (the teacher).", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The decoder's nnU-Net dataset (training and validation patches come from it).", Required = true };
        var studentId = new Option<string?>("--student-id") { Description = "Add the student as a new decoder with this id (default: replace the teacher)." };
        var maxDrop = new Option<double>("--max-dice-drop") { Description = "Largest relative validation Dice drop accepted.", DefaultValueFactory = _ => 0.02 };
        var candidates = new Option<int>("--candidates") { Description = "Candidate architectures evaluated.", DefaultValueFactory = _ => 24 };
        var searchSteps = new Option<int>("--search-steps") { Description = "Distillation steps per candidate (enough to rank students that start from their teacher's weights).", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Distillation steps of each finalist (about a decoder's training budget).", DefaultValueFactory = _ => 5000 };
        var learningRate = new Option<double>("--lr") { Description = "Initial learning rate of every distillation (AdamW, decayed polynomially to zero).", DefaultValueFactory = _ => 0.01 };
        var patches = new Option<int>("--patches-per-case") { Description = "Patches drawn per case.", DefaultValueFactory = _ => 16 };
        var valFraction = new Option<double>("--val-fraction") { Description = "Share of cases for validation.", DefaultValueFactory = _ => 0.2 };
        var penalty = new Option<string>("--penalty") { Description = "Cost in the search's fitness: parameters, flops or latency.", DefaultValueFactory = _ => "parameters" };
        var seed = new Option<int>("--seed") { Description = "Seed of the search.", DefaultValueFactory = _ => 12345 };
        var fromScratch = new Option<bool>("--from-scratch") { Description = "Start every candidate from a fresh initialisation instead of slices of the teacher's weights." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Directory for the search's journal (search.jsonl, every evaluated candidate as it ends): a search cut off resumes from it; keep it outside the work tree." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report only; do not write the student." };
        var table = new Option<string?>("--table") { Description = "Write the search as a Markdown table (every candidate: genotype, search Dice, parameters, FLOPs, latency, fitness; the finalists' acceptance Dice; the time spent)." };
        var hardware = TrainCommand.PrecisionOptions.Create();
        var command = new Command("trim", "Search a smaller decoder architecture, distil it from the full decoder, keep it if Dice drops at most 2 %.")
        {
            model, decoder, dataset, studentId, maxDrop, candidates, searchSteps, steps, learningRate, patches, valFraction, penalty, seed, fromScratch, checkpoint, dryRun, table,
        };
        hardware.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            // Every step reallocates the same large tensors: keep freed memory for reuse instead of mapping it anew.
            TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });
            var precision = hardware.GetPrecision(parse);
            var device = hardware.GetDevice(parse);
            TrainCommand.PrecisionOptions.Check(precision, device);
            var modelDir = Path.GetFullPath(parse.GetValue(model)!);
            var plan = ModelPlanSerializer.Load(Path.Combine(modelDir, "plan.json"));
            var options = new TrimOptions
            {
                StudentId = parse.GetValue(studentId),
                MaxRelativeDiceDrop = parse.GetValue(maxDrop),
                Candidates = parse.GetValue(candidates),
                SearchSteps = parse.GetValue(searchSteps),
                Seed = parse.GetValue(seed),
                InheritTeacherWeights = !parse.GetValue(fromScratch),
                SearchJournal = parse.GetValue(checkpoint) is { Length: > 0 } journalDirectory ? Path.Combine(Path.GetFullPath(journalDirectory), "search.jsonl") : null,
                Precision = precision,
                Device = device,
                Penalty = parse.GetValue(penalty) switch
                {
                    "parameters" => CostPenalty.Parameters,
                    "flops" => CostPenalty.Flops,
                    "latency" => CostPenalty.Latency,
                    var other => throw new InvalidDataException($"--penalty must be parameters, flops or latency, not '{other}'"),
                },
            };
            options.Distillation.Steps = parse.GetValue(steps);
            options.Distillation.LearningRate = parse.GetValue(learningRate);
            options.Population = Math.Min(options.Population, options.Candidates);
            options.TournamentSize = Math.Min(options.TournamentSize, options.Population);
            options.Finalists = Math.Min(options.Finalists, options.Candidates);
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            var sets = await TrainingRunner.TrimPatchSetsAsync(
                Path.GetFullPath(parse.GetValue(dataset)!), plan, parse.GetValue(valFraction), parse.GetValue(patches), parse.GetValue(seed), ct).ConfigureAwait(false);
            await output.WriteLineAsync(sets.Separate
                ? $"search on validation cases {string.Join(", ", sets.SearchCases)}; acceptance on {string.Join(", ", sets.AcceptanceCases)}"
                : $"warning: one validation case ({string.Join(", ", sets.SearchCases)}): candidates are ranked and accepted on the same patches; a larger --val-fraction separates them").ConfigureAwait(false);
            using var outcome = await DecoderTrimmer.TrimAsync(
                modelDir, parse.GetValue(decoder)!, sets, options, p => output.WriteLine($"{p.Phase}: {p.Completed}/{p.Total} {p.Message}"), ct).ConfigureAwait(false);
            var r = outcome.Result;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"before: {r.Before.Parameters} parameters, {r.Before.Flops / 1e9:0.000} GFLOP/patch, {r.Before.LatencyMilliseconds:0.0} ms; Dice {r.TeacherDice:0.0000} on the acceptance {(r.AcceptanceOnVolumes ? "volumes" : "patches")}, {r.SearchTeacherDice:0.0000} on the search's ({DecoderTrimmer.Describe(r.TeacherGenotype)})")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"after:  {r.After.Parameters} parameters, {r.After.Flops / 1e9:0.000} GFLOP/patch, {r.After.LatencyMilliseconds:0.0} ms; Dice {r.StudentDice:0.0000} ({DecoderTrimmer.Describe(r.Genotype)})")).ConfigureAwait(false);
            await output.WriteLineAsync(r.Message).ConfigureAwait(false);
            if (parse.GetValue(table) is { } tablePath)
            {
                await File.WriteAllTextAsync(tablePath, TrimTable.Markdown(r, sets.SearchCases, sets.AcceptanceCases), ct).ConfigureAwait(false);
                await output.WriteLineAsync($"wrote the search table {tablePath}").ConfigureAwait(false);
            }
            if (r.Accepted && !parse.GetValue(dryRun))
            {
                await DecoderTrimmer.SaveStudentAsync(modelDir, outcome, TimeProvider.System, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"saved decoder {outcome.StudentPlan.Id} in {modelDir}").ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }
}
