using System.CommandLine;
using System.Globalization;
using ContinualSegment.Cli.Training;
using ContinualSegment.Imaging;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg train base|task</c>: trains the general encoder with a first decoder, or a new decoder on the frozen encoder
/// (<c>--mode continual</c>) or by a baseline that retrains the encoder (<c>--mode finetune|lwf</c>).
/// </summary>
public static class TrainCommand
{
    /// <summary>The plan shipped with cseg for CPU training (models/plans/cpu-small.json).</summary>
    public static string DefaultPlanPath => Path.Combine(AppContext.BaseDirectory, "models", "plans", "cpu-small.json");

    public static Command Create(TextWriter output)
    {
        var command = new Command("train", "Train the base model (encoder + first decoder) or a new task's decoder on the frozen encoder.");
        command.Subcommands.Add(Base(output));
        command.Subcommands.Add(Task(output));
        command.Subcommands.Add(BodyPartModel(output));
        return command;
    }

    /// <summary>
    /// <c>--precision fp32|mixed</c> and <c>--device cpu|cuda</c>, shared by every command that trains
    /// (<c>train base</c>, <c>train task</c>, <c>trim</c>). Another value is bad usage (exit 2).
    /// </summary>
    internal sealed record PrecisionOptions(Option<string> Precision, Option<string> Device)
    {
        public static PrecisionOptions Create()
        {
            var precision = new Option<string>("--precision") { Description = "fp32, or mixed (float16 autocast with dynamic loss scaling on CUDA, bfloat16 autocast on the CPU).", DefaultValueFactory = _ => "fp32" };
            precision.AcceptOnlyFromAmong("fp32", "mixed");
            var device = new Option<string>("--device") { Description = "cpu, or cuda (needs a CUDA build of TorchSharp and a GPU; see docs/gpu.md).", DefaultValueFactory = _ => "cpu" };
            device.AcceptOnlyFromAmong("cpu", "cuda");
            return new PrecisionOptions(precision, device);
        }

        public void AddTo(Command command)
        {
            command.Options.Add(Precision);
            command.Options.Add(Device);
        }

        public TrainingPrecision GetPrecision(ParseResult parse) => parse.GetValue(Precision) switch
        {
            "fp32" => TrainingPrecision.Float32,
            "mixed" => TrainingPrecision.Mixed,
            var other => throw new InvalidDataException($"--precision must be fp32 or mixed, not '{other}'"),
        };

        public TrainingDevice GetDevice(ParseResult parse) => parse.GetValue(Device) switch
        {
            "cpu" => TrainingDevice.Cpu,
            "cuda" => TrainingDevice.Cuda,
            var other => throw new InvalidDataException($"--device must be cpu or cuda, not '{other}'"),
        };

        /// <summary>Refuses, before any work, a device or precision this process cannot run: a failure (exit 1) that says why.</summary>
        public static void Check(TrainingPrecision precision, TrainingDevice device)
        {
            try
            {
                TrainingRunner.CheckDeviceAndPrecision(precision, device);
            }
            catch (NotSupportedException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
        }
    }

    private sealed record CommonOptions(
        Option<string> Dataset, Option<int> Epochs, Option<int> Iterations, Option<int> Batch, Option<string> Optimizer, Option<double> LearningRate,
        Option<int> Seed, Option<double> ForegroundFraction, Option<double> ValidationFraction, Option<bool> NoAugment, Option<string?> Checkpoint,
        Option<bool> Resume, Option<string?> BodyPartModel, Option<string?> Curve, PrecisionOptions Hardware)
    {
        public static CommonOptions Create() => new(
            new Option<string>("--dataset") { Description = "nnU-Net-format dataset directory (dataset.json, imagesTr, labelsTr).", Required = true },
            new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 50 },
            new Option<int>("--iterations") { Description = "Training steps per epoch.", DefaultValueFactory = _ => 250 },
            new Option<int>("--batch") { Description = "Patches per step.", DefaultValueFactory = _ => 2 },
            new Option<string>("--optimizer") { Description = "sgd (SGD with poly decay) or adamw.", DefaultValueFactory = _ => "sgd" },
            new Option<double>("--lr") { Description = "Initial learning rate.", DefaultValueFactory = _ => 0.01 },
            new Option<int>("--seed") { Description = "Seed of every random choice.", DefaultValueFactory = _ => 12345 },
            new Option<double>("--fg-fraction") { Description = "Share of patches centred on foreground.", DefaultValueFactory = _ => 1.0 / 3 },
            new Option<double>("--val-fraction") { Description = "Share of cases held out for validation.", DefaultValueFactory = _ => 0.2 },
            new Option<bool>("--no-augment") { Description = "Switch augmentation off." },
            new Option<string?>("--checkpoint") { Description = "Checkpoint directory (one checkpoint per epoch)." },
            new Option<bool>("--resume") { Description = "Continue from the checkpoint." },
            new Option<string?>("--bodypart-model") { Description = "Body-part regressor weights; sets the decoder's body-part range from its training labels." },
            new Option<string?>("--curve") { Description = "Directory to write the learning curve to after every epoch (learning-curve.csv and .svg; default: the checkpoint directory, if any)." },
            PrecisionOptions.Create());

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Dataset, Epochs, Iterations, Batch, Optimizer, LearningRate, Seed, ForegroundFraction, ValidationFraction, NoAugment, Checkpoint, Resume, BodyPartModel, Curve })
            {
                command.Options.Add(option);
            }

            Hardware.AddTo(command);
        }

        /// <summary>Where the learning curve goes: --curve, else the checkpoint directory, else nowhere.</summary>
        public string? CurveDirectory(ParseResult parse) => parse.GetValue(Curve) ?? parse.GetValue(Checkpoint);

        /// <param name="parse">The parsed command line.</param>
        /// <param name="configure">Sets a command's own options before everything is validated.</param>
        public TrainingRunOptions ToOptions(ParseResult parse, Action<TrainingRunOptions>? configure = null)
        {
            var optimizer = parse.GetValue(Optimizer) switch
            {
                "sgd" => OptimizerKind.SgdPoly,
                "adamw" => OptimizerKind.AdamW,
                var other => throw new InvalidDataException($"--optimizer must be sgd or adamw, not '{other}'"),
            };
            var precision = Hardware.GetPrecision(parse);
            var device = Hardware.GetDevice(parse);
            var options = new TrainingRunOptions
            {
                Training = new TrainingOptions
                {
                    Epochs = parse.GetValue(Epochs),
                    BatchSize = parse.GetValue(Batch),
                    Optimizer = optimizer,
                    LearningRate = parse.GetValue(LearningRate),
                    Seed = parse.GetValue(Seed),
                    Precision = precision,
                    Device = device,
                },
                IterationsPerEpoch = parse.GetValue(Iterations),
                ForegroundFraction = parse.GetValue(ForegroundFraction),
                ValidationFraction = parse.GetValue(ValidationFraction),
                CheckpointDirectory = parse.GetValue(Checkpoint),
                Resume = parse.GetValue(Resume),
                BodyPartRegressorPath = parse.GetValue(BodyPartModel),
            };
            if (parse.GetValue(NoAugment))
            {
                options.Augmentation = AugmentationOptions.None;
            }

            configure?.Invoke(options);

            try
            {
                options.Validate();
                TrainingRunner.CheckDeviceAndPrecision(options.Training);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
            catch (NotSupportedException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            return options;
        }
    }

    private static Command Base(TextWriter output)
    {
        var common = CommonOptions.Create();
        var outDir = new Option<string>("--out") { Description = "The model directory to write (plan.json, encoder.bin, decoders/).", Required = true };
        var plan = new Option<string?>("--plan") { Description = "Plan file: architecture, patch size, target spacing (default: the shipped CPU plan)." };
        var decoderId = new Option<string?>("--decoder-id") { Description = "Id of the first decoder (default: base)." };
        var command = new Command("base", "Train the general encoder with the first task's decoder.") { outDir, plan, decoderId };
        common.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            // Every step reallocates the same large tensors: keep freed memory for reuse instead of mapping it anew.
            TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });
            var planPath = parse.GetValue(plan) ?? DefaultPlanPath;
            if (!File.Exists(planPath))
            {
                throw new FileNotFoundException($"plan not found: {planPath}", planPath);
            }

            var options = common.ToOptions(parse);
            options.DecoderId = parse.GetValue(decoderId);
            var written = await TrainingRunner.TrainBaseAsync(
                Path.GetFullPath(parse.GetValue(common.Dataset)!), ModelPlanSerializer.Load(planPath), Path.GetFullPath(parse.GetValue(outDir)!), options, new ConsoleProgress(output, common.CurveDirectory(parse), $"cseg train base: {options.DecoderId ?? "base"}"), ct).ConfigureAwait(false);
            await output.WriteLineAsync($"wrote model {parse.GetValue(outDir)}: encoder {written.EncoderFingerprint[..12]}…, decoders {string.Join(", ", written.Decoders.Select(d => d.Id))}").ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }

    private static Command Task(TextWriter output)
    {
        var common = CommonOptions.Create();
        var model = new Option<string>("--model") { Description = "The model directory the new decoder is added to (its encoder is frozen unless --mode retrains it).", Required = true };
        var decoderId = new Option<string>("--decoder-id") { Description = "Id of the new decoder.", Required = true };
        var mode = new Option<string>("--mode")
        {
            Description = "continual (the new decoder alone on the frozen encoder), or a baseline that retrains the encoder: finetune (encoder and new decoder on the new data; earlier decoders keep their weights) or lwf (Learning without Forgetting: as finetune, and earlier decoders are distilled from the model before the step).",
            DefaultValueFactory = _ => "continual",
        };
        var temperature = new Option<double>("--lwf-temperature") { Description = "Distillation temperature T of --mode lwf.", DefaultValueFactory = _ => LwfDistillation.DefaultTemperature };
        var weight = new Option<double>("--lwf-weight") { Description = "Weight λ of the distillation term of --mode lwf.", DefaultValueFactory = _ => LwfDistillation.DefaultWeight };
        var command = new Command("task", "Train a new task's decoder on the frozen encoder (earlier decoders are not touched), or by a baseline that retrains the encoder (--mode).")
        {
            model, decoderId, mode, temperature, weight,
        };
        common.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            // Every step reallocates the same large tensors: keep freed memory for reuse instead of mapping it anew.
            TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });
            var name = parse.GetValue(mode);
            if (!TrainingRunner.TryParseMode(name, out var chosen))
            {
                throw new InvalidDataException($"--mode must be continual, finetune or lwf, not '{name}'");
            }

            if (chosen != ContinualTrainingMode.Lwf && (parse.GetResult(temperature) is { Implicit: false } || parse.GetResult(weight) is { Implicit: false }))
            {
                throw new InvalidDataException($"--lwf-temperature and --lwf-weight apply to --mode lwf only, not to --mode {name}");
            }

            var options = common.ToOptions(parse, o =>
            {
                o.Mode = chosen;
                o.LwfTemperature = parse.GetValue(temperature);
                o.LwfWeight = parse.GetValue(weight);
            });
            var modelDir = parse.GetValue(model)!;
            var written = await TrainingRunner.TrainContinualAsync(
                Path.GetFullPath(modelDir), Path.GetFullPath(parse.GetValue(common.Dataset)!), parse.GetValue(decoderId)!, options, new ConsoleProgress(output, common.CurveDirectory(parse), $"cseg train task: {parse.GetValue(decoderId)} ({name})"), ct).ConfigureAwait(false);
            var how = chosen == ContinualTrainingMode.Continual ? string.Empty : $" ({name}: encoder retrained, now {written.EncoderFingerprint[..12]}…)";
            await output.WriteLineAsync($"added decoder {parse.GetValue(decoderId)} to {modelDir}{how}: decoders {string.Join(", ", written.Decoders.Select(d => d.Id))}").ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }

    private static Command BodyPartModel(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The model directory: bodypart.bin is written into it and plan.json gains its bodyPart section and the decoders' ranges.", Required = true };
        var datasets = new Option<string[]>("--dataset") { Description = "nnU-Net-format dataset (repeatable): its CT images train the regressor; its labels set the range of the decoders of its task.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 30 };
        var steps = new Option<int>("--steps-per-epoch") { Description = "Optimiser steps per epoch.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the weights and the slice draws.", DefaultValueFactory = _ => 1 };
        var spacing = new Option<double?>("--slice-spacing") { Description = "Slice spacing (mm) volumes are resampled to for training (default: the plan's target z spacing)." };
        var margin = new Option<double>("--margin") { Description = "Margin (score units) added to each decoder's range.", DefaultValueFactory = _ => 0.5 };
        var recipe = new BodyPartTrainingOptions();
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => recipe.LearningRate };
        var volumesPerStep = new Option<int>("--volumes-per-step") { Description = "Volumes drawn per optimiser step.", DefaultValueFactory = _ => recipe.VolumesPerStep };
        var slicesPerVolume = new Option<int>("--slices-per-volume") { Description = "Equidistant slices drawn from each volume.", DefaultValueFactory = _ => recipe.SlicesPerVolume };
        var maxGap = new Option<int>("--max-gap") { Description = "Largest gap (slices) between consecutive drawn slices.", DefaultValueFactory = _ => recipe.MaxSliceGap };
        var zoom = new Option<double>("--max-zoom") { Description = "Largest random zoom-in of a draw (1 = none).", DefaultValueFactory = _ => recipe.MaxZoom };
        var distance = new Option<double>("--distance-weight") { Description = "Weight of the equal-step (distance) loss.", DefaultValueFactory = _ => recipe.DistanceWeight };
        var width = new Option<int>("--width") { Description = "First-layer channel count of the regressor.", DefaultValueFactory = _ => new BodyPartModelOptions().Width };
        var field = new Option<double>("--field-of-view") { Description = "Edge (mm) of the fixed window every slice is sampled into, centred on the slice, so the regressor sees the body at one scale whatever the scan's field of view; 0 stretches each slice's own field of view to the square (the original format).", DefaultValueFactory = _ => BodyPartSliceFormat.DefaultFieldOfViewMm };
        var command = new Command("bodypart", "Train the self-supervised body-part regressor of a model and record each decoder's body-part range from its task's training labels.")
        {
            model, datasets, epochs, steps, seed, spacing, margin, lr, volumesPerStep, slicesPerVolume, maxGap, zoom, distance, width, field,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Every step reallocates the same large tensors: keep freed memory for reuse instead of mapping it anew.
            TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });
            var options = new BodyPartModelOptions
            {
                Epochs = parse.GetValue(epochs),
                StepsPerEpoch = parse.GetValue(steps),
                Seed = parse.GetValue(seed),
                SliceSpacingMm = parse.GetValue(spacing),
                RangeMargin = parse.GetValue(margin),
                Width = parse.GetValue(width),
                FieldOfViewMm = parse.GetValue(field) is var f && f == 0 ? null : f,
                Training = new BodyPartTrainingOptions
                {
                    LearningRate = parse.GetValue(lr),
                    VolumesPerStep = parse.GetValue(volumesPerStep),
                    SlicesPerVolume = parse.GetValue(slicesPerVolume),
                    MaxSliceGap = parse.GetValue(maxGap),
                    MaxZoom = parse.GetValue(zoom),
                    DistanceWeight = parse.GetValue(distance),
                },
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
            if (!File.Exists(Path.Combine(modelDir, ContinualSegment.Model.Persistence.ModelStore.PlanFileName)))
            {
                throw new ContinualSegment.Model.Plans.ModelPlanException($"{modelDir} is not a model directory: it has no plan.json");
            }

            var report = await BodyPartModelBuilder.TrainAsync(
                modelDir,
                parse.GetValue(datasets)!.Select(Path.GetFullPath).ToArray(),
                StructureCatalogue.LoadDefault(),
                options,
                new SyncProgress(output),
                ct).ConfigureAwait(false);
            var first = report.Losses.Take(10).Average();
            var last = report.Losses.TakeLast(10).Average();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"body-part regressor: {report.Volumes} volume(s), loss {first:0.###} -> {last:0.###}; wrote {Path.Combine(modelDir, ContinualSegment.Model.Persistence.ModelStore.BodyPartFileName)}")).ConfigureAwait(false);
            foreach (var (id, range) in report.Ranges.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"decoder {id}: body-part range {range.Min:0.###}..{range.Max:0.###}")).ConfigureAwait(false);
            }

            foreach (var id in report.Untouched)
            {
                await output.WriteLineAsync($"decoder {id}: no dataset of its task given; range kept").ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }

    private sealed class SyncProgress(TextWriter output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }

    // One line per epoch, and the learning curve rewritten when there is a directory for it.
    private sealed class ConsoleProgress(TextWriter output, string? curveDirectory, string title) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            output.WriteLine(value.ToConsoleLine());
            if (curveDirectory is not null)
            {
                LearningCurve.Write(curveDirectory, value.History, value.TotalEpochs, title);
            }
        }
    }
}
