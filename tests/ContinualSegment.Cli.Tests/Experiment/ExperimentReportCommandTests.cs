using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace ContinualSegment.Cli.Tests.Experiment;

public sealed class ExperimentReportCommandTests(ExperimentWorkFixture fixture) : IClassFixture<ExperimentWorkFixture>
{
    private static readonly string[] Sequential = ["continual", "finetune", "lwf"];
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private JsonElement Results
    {
        get
        {
            Assert.True(fixture.ExitCode == 0, fixture.Error + fixture.Output);
            return fixture.Json!.RootElement;
        }
    }

    [Fact]
    public void Final_scores_are_the_means_of_the_step_4_and_upper_evaluations()
    {
        var final = Results.GetProperty("final");
        foreach (var method in Sequential)
        {
            for (var t = 0; t < 4; t++)
            {
                Assert.Equal(ExperimentWorkFixture.SequentialDice(method, 4, t)!.Value, final.GetProperty(method).GetProperty(ExperimentWorkFixture.Tasks[t]).GetProperty("dice").GetDouble(), 10);
            }
        }

        for (var t = 0; t < 3; t++)
        {
            Assert.Equal(ExperimentWorkFixture.UpperDice(t)!.Value, final.GetProperty("upper").GetProperty(ExperimentWorkFixture.Tasks[t]).GetProperty("dice").GetDouble(), 10);
        }

        Assert.Equal(JsonValueKind.Null, final.GetProperty("upper").GetProperty("pathology").ValueKind);
        for (var t = 0; t < 4; t++)
        {
            Assert.Equal(ExperimentWorkFixture.UntrimmedDice(t), final.GetProperty("untrimmed").GetProperty(ExperimentWorkFixture.Tasks[t]).GetProperty("dice").GetDouble(), 10);
        }

        // Continual, wholebody (mean Dice 0.70): HD95 10d, undefined, 20d, 30d; surface Dice d − 0.05 and d.
        var wholebody = final.GetProperty("continual").GetProperty("wholebody");
        Assert.Equal(20 * 0.70, wholebody.GetProperty("hd95_mm").GetDouble(), 10);
        Assert.Equal(1, wholebody.GetProperty("hd95_undefined").GetInt32());
        Assert.Equal(2, wholebody.GetProperty("cases").GetInt32());
        Assert.Equal(4, wholebody.GetProperty("structures").GetInt32());
        Assert.Equal("evaluate summary", wholebody.GetProperty("source").GetString());
        var nsd = wholebody.GetProperty("nsd").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(2, nsd.Length);
        Assert.Equal(0.65, nsd[0], 10);
        Assert.Equal(0.70, nsd[1], 10);
    }

    [Fact]
    public void Forgetting_matrices_hold_each_task_after_each_step_and_null_where_not_learnt_or_missing()
    {
        foreach (var method in Sequential)
        {
            var rows = Results.GetProperty("forgetting").GetProperty(method).GetProperty("dice").EnumerateArray().ToArray();
            Assert.Equal(4, rows.Length);
            for (var step = 1; step <= 4; step++)
            {
                var row = rows[step - 1].EnumerateArray().ToArray();
                Assert.Equal(4, row.Length);
                for (var t = 0; t < 4; t++)
                {
                    if (ExperimentWorkFixture.SequentialDice(method, step, t) is { } expected)
                    {
                        Assert.Equal(expected, row[t].GetDouble(), 10);
                    }
                    else
                    {
                        Assert.Equal(JsonValueKind.Null, row[t].ValueKind);
                    }
                }
            }
        }
    }

    [Fact]
    public void Claims_are_the_ratios_and_drops_of_the_hand_computed_scores()
    {
        var claims = Results.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);

        AssertClaim(claims["dice_ratio/wholebody"], 0.70 / 0.70, met: true);
        AssertClaim(claims["dice_ratio/chest"], 0.60 / 0.625, met: false);
        AssertClaim(claims["dice_ratio/headneck"], 0.50 / 0.50, met: true);
        Assert.Equal(JsonValueKind.Null, claims["dice_ratio/pathology"].GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, claims["dice_ratio/pathology"].GetProperty("met").ValueKind);
        Assert.Equal(0.98, claims["dice_ratio/chest"].GetProperty("goal_at_least").GetDouble());

        AssertClaim(claims["dice_drop/finetune"], 0.70 - (0.70 - (3 * 0.15)), met: true);
        Assert.Equal(0.3, claims["dice_drop/finetune"].GetProperty("goal_at_least").GetDouble());
        AssertClaim(claims["dice_drop/lwf"], 3 * 0.05, met: null);
        AssertClaim(claims["dice_drop/continual"], 0.0, met: null);

        var parameterRatio = (double)fixture.ContinualParameters / fixture.UpperParameters;
        AssertClaim(claims["parameter_ratio"], parameterRatio, met: parameterRatio <= 0.4);
        Assert.Equal(0.4, claims["parameter_ratio"].GetProperty("goal_at_most").GetDouble());
        AssertClaim(claims["trim_parameters/chest"], (double)fixture.TrimmedChestParameters / fixture.FullChestParameters, met: true);
        Assert.True(fixture.TrimmedChestParameters * 4 < fixture.FullChestParameters);
        AssertClaim(claims["trim_parameters/wholebody"], 1.0, met: false);
        Assert.Equal(0.5, claims["trim_parameters/chest"].GetProperty("goal_at_most").GetDouble());
        AssertClaim(claims["trim_dice_drop/wholebody"], 0.0, met: true);
        AssertClaim(claims["trim_dice_drop/chest"], (0.62 - 0.60) / 0.62, met: false);
        AssertClaim(claims["trim_dice_drop/headneck"], (0.51 - 0.50) / 0.51, met: true);
        Assert.Equal(0.02, claims["trim_dice_drop/chest"].GetProperty("goal_at_most").GetDouble());
        AssertClaim(claims["time_ratio"], 0.7, met: false);
        Assert.Equal(0.4, claims["time_ratio"].GetProperty("goal_at_most").GetDouble());
        Assert.Equal(JsonValueKind.Null, claims["time_ratio"].GetProperty("goal_at_least").ValueKind);
    }

    [Fact]
    public void Durations_are_summed_per_step_and_per_part()
    {
        var durations = Results.GetProperty("durations_seconds");
        Assert.Equal(360, durations.GetProperty("eval-continual").GetDouble());
        Assert.Equal(3600, durations.GetProperty("step1").GetDouble());
        var md = fixture.Markdown!;
        Assert.Contains("`durations.tsv`: 1 h 19 min in all", md, StringComparison.Ordinal);
        Assert.Contains("| continual | 1 h 10 min |", md, StringComparison.Ordinal);
        Assert.Contains("| data | 1.0 min |", md, StringComparison.Ordinal);
        Assert.Contains("| evaluation | 6.0 min |", md, StringComparison.Ordinal);
        Assert.Contains("| timing | 2.0 min |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_count_the_model_directories_and_missing_models_stay_null()
    {
        var parameters = Results.GetProperty("parameters");
        Assert.Equal(fixture.ContinualParameters, parameters.GetProperty("continual").GetProperty("total").GetInt64());
        Assert.Equal(fixture.UpperParameters, parameters.GetProperty("upper").GetProperty("total").GetInt64());
        Assert.Equal(fixture.UntrimmedParameters, parameters.GetProperty("untrimmed").GetProperty("total").GetInt64());
        Assert.Equal(4, parameters.GetProperty("upper").GetProperty("models").GetArrayLength());
        var continual = parameters.GetProperty("continual").GetProperty("models")[0];
        Assert.Equal(ExperimentWorkFixture.Tasks, continual.GetProperty("decoders").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, parameters.GetProperty("finetune").GetProperty("total").ValueKind);
        Assert.Equal(JsonValueKind.Null, parameters.GetProperty("lwf").GetProperty("total").ValueKind);

        // One encoder and four decoders against four of each: the upper bound has three encoders more.
        Assert.True(fixture.ContinualParameters < fixture.UpperParameters);
    }

    [Fact]
    public void Missing_pieces_are_listed_and_counted()
    {
        string[] expected =
        [
            "eval/lwf/step2/wholebody/evaluation.json",
            "eval/lwf/step3/headneck/evaluation.json",
            "eval/upper/pathology/evaluation.json",
            "models/finetune/step4",
            "models/lwf/step4",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Results.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(38, Results.GetProperty("expected_evaluations").GetInt32());
        Assert.Equal(35, Results.GetProperty("evaluations").GetInt32());
        Assert.Contains("35 of 38 evaluations, 5 missing piece(s)", fixture.Output, StringComparison.Ordinal);
        Assert.Contains($"Dice of continual / upper on chest: {F(0.60 / 0.625)} (goal ≥ 0.98: not met)", fixture.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_has_the_rows_of_the_tables_and_the_claims()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Error);
        var md = fixture.Markdown!;
        string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |";

        Assert.Contains("Machine: test machine. Command: `scripts/experiment.sh`.", md, StringComparison.Ordinal);
        Assert.Contains("](dice-by-method.svg)", md, StringComparison.Ordinal);
        Assert.Contains("](forgetting.svg)", md, StringComparison.Ordinal);
        Assert.Contains(Row("continual", F(0.70), F(0.60), F(0.50), F(0.40)), md, StringComparison.Ordinal);
        Assert.Contains(Row("upper", F(0.70), F(0.625), F(0.50), "missing"), md, StringComparison.Ordinal);
        Assert.Contains(Row("untrimmed", F(0.70), F(0.62), F(0.51), F(0.40)), md, StringComparison.Ordinal);
        Assert.Contains(Row(["finetune", .. Enumerable.Range(0, 4).Select(t => F(ExperimentWorkFixture.SequentialDice("finetune", 4, t)!.Value))]), md, StringComparison.Ordinal);
        Assert.Contains(Row("2 (chest)", "missing", F(0.60), "—", "—"), md, StringComparison.Ordinal);
        Assert.Contains(Row("4 (pathology)", F(0.70 - (3 * 0.15)), F(0.60 - (2 * 0.15)), F(0.50 - 0.15), F(0.40)), md, StringComparison.Ordinal);
        Assert.Contains(Row("Dice of continual / upper on chest", F(0.60 / 0.625), "≥ 0.98", "not met"), md, StringComparison.Ordinal);
        Assert.Contains(Row("Dice drop of wholebody from step 1 to step 4 (finetune)", F(0.45), "≥ 0.3", "met"), md, StringComparison.Ordinal);
        Assert.Contains("(1 of 4 undefined)", md, StringComparison.Ordinal);
        Assert.Contains("- `models/lwf/step4`", md, StringComparison.Ordinal);
        Assert.Contains("whole-body phantom 64×64×40; every model in one process, 1 thread(s), median of 2 run(s)", md, StringComparison.Ordinal);
        Assert.Contains(Row("`/w/models/upper/chest`", "5.00", "400"), md, StringComparison.Ordinal);
        Assert.Contains(Row("separate models together", "10.00", "800"), md, StringComparison.Ordinal);
        Assert.Contains(Row("Inference time of continual (encoder once, 4 decoders) / upper (4 full models), one CT, one process", F(0.7), "≤ 0.4", "not met"), md, StringComparison.Ordinal);
    }

    [Fact]
    public void Dice_chart_has_one_bar_per_present_score_with_its_height_in_proportion()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Error);
        var svg = fixture.DiceChart!.Root!;
        Assert.Equal(Svg + "svg", svg.Name);
        var bars = svg.Elements(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar").ToArray();
        Assert.Equal(19, bars.Length);
        Assert.Single(svg.Elements(Svg + "text"), e => (string?)e.Attribute("class") == "missing");
        Assert.Equal(5, svg.Elements(Svg + "rect").Count(e => (string?)e.Attribute("class") == "legend"));
        Assert.Equal(11, svg.Elements(Svg + "line").Count(e => (string?)e.Attribute("class") == "grid"));

        var scale = new List<double>();
        foreach (var bar in bars)
        {
            var method = (string)bar.Attribute("data-method")!;
            var t = Array.IndexOf(ExperimentWorkFixture.Tasks, (string)bar.Attribute("data-task")!);
            var expected = method switch
            {
                "upper" => ExperimentWorkFixture.UpperDice(t)!.Value,
                "untrimmed" => ExperimentWorkFixture.UntrimmedDice(t),
                _ => ExperimentWorkFixture.SequentialDice(method, 4, t)!.Value,
            };
            Assert.Equal(expected, Number(bar, "data-value"), 10);
            scale.Add(Number(bar, "height") / expected);
        }

        Assert.All(scale, s => Assert.Equal(scale[0], s, 1));
        Assert.Equal(5, bars.Select(b => (string)b.Attribute("fill")!).Distinct().Count());
    }

    [Fact]
    public void Forgetting_chart_has_a_point_per_present_step_and_a_broken_line_where_one_is_missing()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Error);
        var svg = fixture.ForgettingChart!.Root!;
        var points = svg.Elements(Svg + "circle").Where(e => (string?)e.Attribute("class") == "point").ToArray();
        Assert.Equal(4 + 4 + 3, points.Length);
        foreach (var point in points)
        {
            var expected = ExperimentWorkFixture.SequentialDice((string)point.Attribute("data-method")!, int.Parse((string)point.Attribute("data-step")!, CultureInfo.InvariantCulture), 0);
            Assert.Equal(expected!.Value, Number(point, "data-value"), 10);
        }

        // Higher Dice is drawn higher up: fine-tuning's points fall step by step.
        var finetune = points.Where(p => (string)p.Attribute("data-method")! == "finetune").Select(p => Number(p, "cy")).ToArray();
        Assert.Equal(finetune.Order(), finetune);

        var lines = svg.Elements(Svg + "path").Where(e => (string?)e.Attribute("class") == "line").ToDictionary(e => (string)e.Attribute("data-method")!, e => (string)e.Attribute("d")!);
        Assert.Equal(Sequential.Order(StringComparer.Ordinal), lines.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, lines["continual"].Count(c => c == 'M'));
        Assert.Equal(3, lines["continual"].Count(c => c == 'L'));
        Assert.Equal(2, lines["lwf"].Count(c => c == 'M'));
        Assert.Equal(1, lines["lwf"].Count(c => c == 'L'));
        Assert.Equal(3, svg.Elements(Svg + "path").Count(e => (string?)e.Attribute("class") == "task-line" && (string?)e.Attribute("data-task") == "chest"));
    }

    [Fact]
    public void Trimming_is_reported_per_decoder_with_its_parameters_dice_drop_and_search_table()
    {
        var md = fixture.Markdown!;
        Assert.Contains("## Trimming", md, StringComparison.Ordinal);
        string Count(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        var ratio = ((double)fixture.TrimmedChestParameters / fixture.FullChestParameters).ToString("0.000", CultureInfo.InvariantCulture);
        var drop = ((0.62 - 0.60) / 0.62).ToString("P1", CultureInfo.InvariantCulture);
        Assert.Contains($"| chest | {Count(fixture.FullChestParameters)} | {Count(fixture.TrimmedChestParameters)} | {ratio} | {F(0.62)} | {F(0.60)} | {drop} | [table](trim-chest.md) |", md, StringComparison.Ordinal);
        Assert.Contains($"| wholebody | {Count(fixture.FullChestParameters)} | {Count(fixture.FullChestParameters)} | 1.000 | {F(0.70)} | {F(0.70)} |", md, StringComparison.Ordinal);
        Assert.Contains("| 0.0 % | missing |", md, StringComparison.Ordinal);

        // The search tables travel with the report; the JSON names them.
        Assert.Equal("# Trimming decoder `chest`\n", File.ReadAllText(Path.Combine(fixture.Out, "trim-chest.md")));
        Assert.True(File.Exists(Path.Combine(fixture.Out, "trim-headneck.md")));
        Assert.False(File.Exists(Path.Combine(fixture.Out, "trim-wholebody.md")));
        var tables = Results.GetProperty("trim_tables");
        Assert.Equal(["chest", "headneck"], tables.EnumerateObject().Select(p => p.Name));
        Assert.Equal("trim-chest.md", tables.GetProperty("chest").GetString());
    }

    [Fact]
    public void The_gating_step_is_reported_with_rho_coverage_and_time_saved()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Error);
        var markdown = fixture.Markdown!;
        Assert.Contains("## Body-part gating", markdown, StringComparison.Ordinal);
        Assert.Contains("all slices of all scans together **0.981**, mean per scan 0.997", markdown, StringComparison.Ordinal);
        Assert.Contains("| headneck headneck_0000 | 0.998 | 93 % | skipped |", markdown, StringComparison.Ordinal);
        Assert.Contains("`cseg bench gating`: whole-body phantom study 64×64×100;", markdown, StringComparison.Ordinal);
        Assert.Contains("| head | 18 | pathology | 1.50 | 2.00 | 25 % | 0.800 / n/a |", markdown, StringComparison.Ordinal);
        var gating = Results.GetProperty("gating");
        Assert.Equal(0.9812, gating.GetProperty("bodypart_evaluation").GetProperty("pooledSpearman").GetDouble(), 10);
        Assert.Equal(0.25, gating.GetProperty("partial_fields_of_view").GetProperty("scans")[0].GetProperty("timeSaved").GetDouble(), 10);
    }

    [Fact]
    public void The_overlaps_step_is_reported_per_host_organ_with_the_merge_against_each_decoder_alone()
    {
        var markdown = fixture.Markdown!;
        Assert.Contains("## Overlapping label sets", markdown, StringComparison.Ordinal);
        Assert.Contains("| liver | 0.7500 | 0.6500 | 0.8500 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| **mean** | **0.7500** | **0.6500** | **0.8500** |", markdown, StringComparison.Ordinal);
        Assert.Contains("| esophagus | 0.9000 | 0.8800 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| liver_tumor |", markdown, StringComparison.Ordinal);

        var overlaps = Results.GetProperty("overlaps");
        Assert.Equal(7, overlaps.GetProperty("host_organs").GetArrayLength());
        Assert.Equal(0.85, overlaps.GetProperty("pathology_subjects").GetProperty("merged").GetProperty("liver").GetDouble(), 10);
        Assert.False(overlaps.GetProperty("healthy_subjects").TryGetProperty("hosts", out _));

        var claims = Results.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        AssertClaim(claims["overlaps/merge_gain"], 0.85 - 0.75, met: true);
        AssertClaim(claims["overlaps/healthy_change"], 0.88 - 0.90, met: false);
    }

    private static void AssertClaim(JsonElement claim, double value, bool? met)
    {
        Assert.Equal(value, claim.GetProperty("value").GetDouble(), 10);
        if (met is { } m)
        {
            Assert.Equal(m, claim.GetProperty("met").GetBoolean());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, claim.GetProperty("met").ValueKind);
        }
    }

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
}
