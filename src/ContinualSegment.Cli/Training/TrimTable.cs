using System.Globalization;
using System.Text;
using ContinualSegment.Model.Trimming;

namespace ContinualSegment.Cli.Training;

/// <summary>A trimming run as Markdown: the decision, the time spent, every search candidate and the finalists.</summary>
public static class TrimTable
{
    /// <summary>The report of <paramref name="result"/>; the case lists say which validation cases ranked and which accepted.</summary>
    public static string Markdown(TrimResult result, IReadOnlyList<string> searchCases, IReadOnlyList<string> acceptanceCases)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(searchCases);
        ArgumentNullException.ThrowIfNull(acceptanceCases);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"# Trimming decoder `{result.DecoderId}`\n\n");
        sb.Append(c, $"{result.Message}\n\n");
        sb.Append(c, $"- Search (ranking) on validation cases: {string.Join(", ", searchCases)}; full decoder's Dice there {result.SearchTeacherDice:0.0000}.\n");
        sb.Append(c, $"- Acceptance on validation cases: {string.Join(", ", acceptanceCases)}{(result.SeparateAcceptance ? string.Empty : " (the same cases: one validation case only)")}, {(result.AcceptanceOnVolumes ? "whole volumes by sliding-window inference" : "their patches")}; full decoder's Dice there {result.TeacherDice:0.0000}; largest drop allowed {result.MaxRelativeDiceDrop:P1}.\n");
        sb.Append(c, $"- Full decoder: {result.Before.Parameters:#,0} parameters, {result.Before.Flops / 1e9:0.000} GFLOP per patch, {result.Before.LatencyMilliseconds:0.0} ms; kept: {result.After.Parameters:#,0} parameters ({(double)result.After.Parameters / result.Before.Parameters:P0}), {result.After.Flops / 1e9:0.000} GFLOP, {result.After.LatencyMilliseconds:0.0} ms.\n");
        sb.Append(c, $"- Students: {(result.InheritedTeacherWeights ? "start from slices of the teacher's weights" : "start from a fresh initialisation")}; {result.DistillationSteps.Search:#,0} distillation steps per candidate, {result.DistillationSteps.Finalist:#,0} per finalist.\n");
        sb.Append(c, $"- Time: caching {Seconds(result.Timings.Caching)}, search {Seconds(result.Timings.Search)} ({result.Candidates.Count} candidates), finalists {Seconds(result.Timings.Finalists)}, total {Seconds(result.Timings.Total)}.\n\n");
        sb.Append("## Candidates (search order)\n\n");
        sb.Append("| # | genotype | search Dice | parameters | GFLOP | latency (ms; — unless the penalty) | cost ratio | fitness |\n");
        sb.Append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (var i = 0; i < result.Candidates.Count; i++)
        {
            var e = result.Candidates[i];
            sb.Append(c, $"| {i + 1} | {Cell(e.Genotype)} | {e.ValidationDice:0.0000} | {e.Cost.Parameters:#,0} | {e.Cost.Flops / 1e9:0.000} | {Latency(e.Cost.LatencyMilliseconds)} | {e.CostRatio:0.000} | {e.Fitness:0.0000} |\n");
        }

        sb.Append("\n## Finalists (fully distilled, in order of fitness)\n\n");
        if (result.Finalists.Count == 0)
        {
            sb.Append("None: no candidate was smaller than the full decoder.\n");
            return sb.ToString();
        }

        sb.Append(result.AcceptanceOnVolumes ? "| genotype | search Dice | acceptance Dice (whole volumes) | drop | decision |\n" : "| genotype | search Dice | acceptance Dice (patches) | drop | decision |\n");
        sb.Append("| --- | ---: | ---: | ---: | --- |\n");
        foreach (var f in result.Finalists)
        {
            sb.Append(c, $"| {Cell(f.Genotype)} | {f.SearchDice:0.0000} | {f.AcceptanceDice:0.0000} | {f.RelativeDiceDrop:P2} | {(f.Accepted ? "accepted" : "refused")} |\n");
        }

        return sb.ToString();
    }

    // A genotype in a table cell: its stages apart by " · " (the " | " of its usual form would split the cell).
    private static string Cell(Model.Plans.DecoderGenotype genotype) => DecoderTrimmer.Describe(genotype).Replace(" | ", " · ", StringComparison.Ordinal);

    // Candidates' latency is measured only when it is the search's penalty.
    private static string Latency(double ms) => double.IsFinite(ms) ? ms.ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture);
}
