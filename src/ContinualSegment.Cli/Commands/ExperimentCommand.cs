using System.CommandLine;
using System.Globalization;
using ContinualSegment.Cli.Experiment;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg experiment report</c>: the results of <c>scripts/experiment.sh</c> as JSON, Markdown and two pictures.</summary>
public static class ExperimentCommand
{
    /// <summary>The <c>experiment</c> command and its subcommands.</summary>
    public static Command Create(TextWriter output)
    {
        var work = new Option<string>("--work") { Description = "The experiment's working directory (WORK of scripts/experiment.sh).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Where to write results.json, results.md, dice-by-method.svg and forgetting.svg.", Required = true };
        var title = new Option<string>("--title") { Description = "Heading of the report.", DefaultValueFactory = _ => ExperimentReportOptions.DefaultTitle };
        var commandText = new Option<string?>("--command") { Description = "The command that ran the experiment, quoted in the report." };
        var machine = new Option<string?>("--machine") { Description = "The machine it ran on, named in the report." };
        var report = new Command("report", "Final scores per method and task, forgetting matrices, parameter counts and the claims (continual/upper Dice ratio ≥ 0.98 per task, fine-tuning's drop of the first task ≥ 0.3), from whatever the working directory holds; missing pieces are listed, never filled in.")
        {
            work, outDir, title, commandText, machine,
        };
        report.SetAction(async (parse, cancellationToken) =>
        {
            var results = await ExperimentAnalyzer.AnalyzeAsync(parse.GetValue(work)!, cancellationToken).ConfigureAwait(false);
            var options = new ExperimentReportOptions(parse.GetValue(title)!, parse.GetValue(commandText), parse.GetValue(machine));
            var written = await ExperimentReportWriter.WriteAsync(results, parse.GetValue(outDir)!, options, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{results.Work}: {results.Evaluations} of {results.ExpectedEvaluations} evaluations, {results.Missing.Count} missing piece(s)")).ConfigureAwait(false);
            foreach (ExperimentClaim claim in results.Claims)
            {
                string value = claim.Value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "missing";
                string goal = claim.Goal is { } g ? $" (goal {g}: {(claim.Met is true ? "met" : claim.Met is false ? "not met" : "unknown")})" : string.Empty;
                await output.WriteLineAsync($"{claim.Description}: {value}{goal}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"wrote {string.Join(", ", written)}").ConfigureAwait(false);
            return CsegApp.Success;
        });
        var command = new Command("experiment", "The continual-learning experiment (scripts/experiment.sh).");
        command.Subcommands.Add(report);
        return command;
    }
}
