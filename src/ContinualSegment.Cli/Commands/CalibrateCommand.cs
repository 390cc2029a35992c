using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ContinualSegment.Model.Calibration;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg calibrate</c>: fits a decoder's calibration temperature on its validation cases (<see cref="DecoderCalibrator"/>),
/// prints the fit, the scores before and after and each class's whole-volume validation Dice, and with <c>--write</c>
/// stores the temperature in <c>plan.json</c>.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The model directory.", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The decoder's nnU-Net dataset, the one it was trained on: its validation cases (the split training made) are used, never its training cases.", Required = true };
        var decoder = new Option<string>("--decoder") { Description = "Id of the decoder to calibrate.", Required = true };
        var write = new Option<bool>("--write") { Description = "Store the fitted temperature in plan.json's entry of the decoder (decoders trained into the model; an installed package's manifest stays as published)." };
        var json = new Option<string?>("--json") { Description = "Also write the result as JSON to this file." };
        var valFraction = new Option<double?>("--val-fraction") { Description = "Share of cases training held out for validation (default 0.2, as cseg train)." };
        var seed = new Option<int?>("--seed") { Description = "The seed training split the dataset with (default: the one the decoder's training record names, else 12345, as cseg train)." };
        var voxels = new Option<int>("--voxels-per-case") { Description = "Voxels kept per validation case: each case goes whole through the sliding window, and a seeded sample stratified by true class, weighted back to the whole volume, is scored.", DefaultValueFactory = _ => CalibrationOptions.DefaultVoxelsPerCase };
        var sampleSeed = new Option<int>("--sample-seed") { Description = "Seed of the voxel sample.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is < 1 or > 256)
            {
                r.AddError("--threads must be between 1 and 256");
            }
        });
        var command = new Command(
            "calibrate",
            "Fit a decoder's softmax temperature T (the merger's q ∝ p^(1/T)) on its validation cases by minimising the negative log-likelihood; print T, NLL and ECE (15 bins) before (T = 1) and after, and each class's whole-volume validation Dice (arg-max); --write stores T in plan.json.")
        {
            model, dataset, decoder, write, json, valFraction, seed, voxels, sampleSeed, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new CalibrationOptions
            {
                ValidationFraction = parse.GetValue(valFraction),
                SplitSeed = parse.GetValue(seed),
                VoxelsPerCase = parse.GetValue(voxels),
                SampleSeed = parse.GetValue(sampleSeed),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            var modelDir = Path.GetFullPath(parse.GetValue(model)!);
            var id = parse.GetValue(decoder)!;
            var store = parse.GetValue(write);
            if (store && File.Exists(Path.Combine(modelDir, ContinualSegment.Model.Persistence.ModelStore.PlanFileName)))
            {
                // Refuse before the work, not after it.
                await new ModelDirectory(modelDir).EnsureTemperatureWritableAsync(id, ct).ConfigureAwait(false);
            }

            TorchRuntime.Configure(new TorchRuntimeOptions { Threads = parse.GetValue(threads) });
            var result = await DecoderCalibrator.CalibrateAsync(modelDir, Path.GetFullPath(parse.GetValue(dataset)!), id, options, ct).ConfigureAwait(false);
            foreach (var line in Table(result))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"validation cases (fraction {result.ValidationFraction}, seed {result.SplitSeed}): {string.Join(", ", result.ValidationCases)}; {result.Voxels} voxels sampled of {result.VoxelsRepresented}")).ConfigureAwait(false);
            if (result is { ForegroundBefore: { } fb, ForegroundAfter: { } fa })
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"foreground ({result.ForegroundVoxels} voxels whose true or arg-max class is not background): NLL {fb.NegativeLogLikelihood:0.0000} -> {fa.NegativeLogLikelihood:0.0000}, ECE {fb.ExpectedCalibrationError:0.0000} -> {fa.ExpectedCalibrationError:0.0000}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(DiceLine(result)).ConfigureAwait(false);
            foreach (var warning in result.Warnings)
            {
                await output.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            if (parse.GetValue(json) is { } jsonPath)
            {
                var path = Path.GetFullPath(jsonPath);
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, DecoderCalibrationJsonContext.Default.DecoderCalibrationResult) + "\n", ct).ConfigureAwait(false);
                await output.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
            }

            if (store)
            {
                var previous = await new ModelDirectory(modelDir).SetCalibrationTemperatureAsync(id, result.Temperature, ct).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"stored temperature {result.Temperature:0.####} for decoder {id} in {Path.Combine(modelDir, ContinualSegment.Model.Persistence.ModelStore.PlanFileName)} (was {previous:0.####})")).ConfigureAwait(false);
            }
            else
            {
                var how = result.Origin == DecoderOrigin.Model
                    ? "give --write to store it in plan.json"
                    : "an installed package's manifest stays as published: store it in the model the decoder was trained in and export it again";
                await output.WriteLineAsync($"not stored ({how})").ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }

    /// <summary>The validation Dice in one line: how many classes, their mean and the lowest five.</summary>
    internal static string DiceLine(DecoderCalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.ValidationDice.Count == 0)
        {
            return "validation Dice: the validation cases contain none of the decoder's classes";
        }

        var lowest = result.ValidationDice.OrderBy(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal).Take(5)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value:0.000}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"validation Dice (whole volumes, arg-max) of {result.ValidationDice.Count} classes: mean {result.ValidationDice.Values.Average():0.000}; lowest {string.Join(", ", lowest)}");
    }

    /// <summary>The result as a small table: a header line and one line for the decoder.</summary>
    internal static IReadOnlyList<string> Table(DecoderCalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var width = Math.Max("decoder".Length, result.DecoderId.Length);
        var header = $"{"decoder".PadRight(width)}  {"T",8}  {"NLL before",10}  {"NLL after",10}  {"ECE before",10}  {"ECE after",10}  {"voxels",8}";
        var row = string.Create(
            CultureInfo.InvariantCulture,
            $"{result.DecoderId.PadRight(width)}  {result.Temperature,8:0.0000}  {result.Before.NegativeLogLikelihood,10:0.0000}  {result.After.NegativeLogLikelihood,10:0.0000}  {result.Before.ExpectedCalibrationError,10:0.0000}  {result.After.ExpectedCalibrationError,10:0.0000}  {result.Voxels,8}");
        return [header, row];
    }
}
