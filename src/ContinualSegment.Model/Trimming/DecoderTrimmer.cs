using System.Globalization;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Trims a trained decoder: a regularised-evolution search over per-stage genotypes (each candidate
/// briefly distilled from the full decoder on cached encoder features, fitness = validation Dice −
/// λ·cost ratio, on the search patches), then a full teacher–student distillation of the fittest smaller candidates
/// until one loses at most <see cref="TrimOptions.MaxRelativeDiceDrop"/> of the teacher's Dice on the acceptance
/// patches (other validation cases than the search's, where the caller gives them).
/// The encoder and the teacher are never changed. When no student passes, the full decoder is kept.
/// Every distillation step runs in <see cref="TrimOptions.Precision"/> on the device of the bank's parameters.
/// </summary>
public static class DecoderTrimmer
{
    /// <summary>Trims decoder <paramref name="decoderId"/> of <paramref name="bank"/> (run on a worker thread).</summary>
    public static Task<TrimOutcome> TrimAsync(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> validation,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => TrimAsync(bank, decoderId, training, validation, validation, options, progress, cancellationToken);

    /// <summary>
    /// Trims decoder <paramref name="decoderId"/> of <paramref name="bank"/> (run on a worker thread), ranking the search's
    /// candidates on <paramref name="search"/> and deciding acceptance on <paramref name="acceptance"/> (other cases).
    /// </summary>
    public static Task<TrimOutcome> TrimAsync(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> search,
        IReadOnlyList<TrainingSample> acceptance,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => Task.Run(() => Trim(bank, decoderId, training, search, acceptance, options, progress, cancellationToken), cancellationToken);

    /// <summary>
    /// Loads the model in <paramref name="modelDirectory"/> onto <see cref="TrimOptions.Device"/> and trims its decoder
    /// <paramref name="decoderId"/>; the directory is not changed and the accepted student comes back on the CPU.
    /// </summary>
    /// <exception cref="NotSupportedException">The device or the precision cannot run in this process; the message says why.</exception>
    public static Task<TrimOutcome> TrimAsync(
        string modelDirectory,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> validation,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => TrimAsync(modelDirectory, decoderId, training, validation, validation, options, progress, cancellationToken);

    /// <summary>
    /// As <see cref="TrimAsync(string, string, IReadOnlyList{TrainingSample}, IReadOnlyList{TrainingSample}, TrimOptions, Action{TrimProgress}?, CancellationToken)"/>,
    /// ranking on <paramref name="search"/> and accepting on <paramref name="acceptance"/>.
    /// </summary>
    public static async Task<TrimOutcome> TrimAsync(
        string modelDirectory,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> search,
        IReadOnlyList<TrainingSample> acceptance,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => await TrimModelAsync(modelDirectory, decoderId, training, search, acceptance, null, options, progress, cancellationToken).ConfigureAwait(false);

    private static async Task<TrimOutcome> TrimModelAsync(
        string modelDirectory,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> search,
        IReadOnlyList<TrainingSample> acceptance,
        IReadOnlyList<PreprocessedCase>? acceptanceVolumes,
        TrimOptions options,
        Action<TrimProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TrainingRunner.CheckDeviceAndPrecision(options.Precision, options.Device);
        var device = TrainingRunner.ToTorchDevice(options.Device);
        using var model = ModelStore.Load(modelDirectory);
        if (device.type != DeviceType.CPU)
        {
            model.Bank.to(device);
        }

        var outcome = await Task.Run(() => Trim(model.Bank, decoderId, training, search, acceptance, acceptanceVolumes, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (device.type != DeviceType.CPU)
        {
            outcome.Student?.to(CPU);
        }

        return outcome;
    }

    /// <summary>
    /// Loads the model in <paramref name="modelDirectory"/> and trims its decoder <paramref name="decoderId"/> on the
    /// patch sets of <see cref="TrainingRunner.TrimPatchSetsAsync"/>: ranked on the search patches and, where the sets
    /// hold them, accepted on the whole acceptance volumes (else on the acceptance patches).
    /// </summary>
    /// <exception cref="NotSupportedException">The device or the precision cannot run in this process; the message says why.</exception>
    public static Task<TrimOutcome> TrimAsync(
        string modelDirectory,
        string decoderId,
        TrimPatchSets sets,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return TrimModelAsync(modelDirectory, decoderId, sets.Training, sets.Search, sets.Acceptance, sets.AcceptanceVolumes.Count > 0 ? sets.AcceptanceVolumes : null, options, progress, cancellationToken);
    }

    /// <summary>
    /// Writes an accepted student into <paramref name="modelDirectory"/>: it replaces the decoder of the
    /// same id (weights file and plan entry) or, under a new id, is appended. The student must have been
    /// trimmed from a decoder of this directory's encoder.
    /// </summary>
    /// <remarks>
    /// Where the teacher has a record (<c>decoders/&lt;id&gt;.record.json</c>), the student gets its own: the teacher's
    /// provenance (the same training data) made at <paramref name="timeProvider"/>'s now, the teacher's mode, and the
    /// trimming's metrics (the student's and the teacher's acceptance Dice, the relative drop), so that it exports as a
    /// package like any trained decoder. Without a teacher record the student has none either.
    /// </remarks>
    /// <returns>The plan as written.</returns>
    public static async Task<ModelPlan> SaveStudentAsync(string modelDirectory, TrimOutcome outcome, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Result.Accepted || outcome.Student is null)
        {
            throw new InvalidOperationException($"no student was accepted for decoder '{outcome.Result.DecoderId}'; nothing to save");
        }

        var planPath = Path.Combine(modelDirectory, ModelStore.PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        var entry = outcome.StudentPlan;
        if (entry.EncoderFingerprint.Length == 0 || !string.Equals(entry.EncoderFingerprint, plan.EncoderFingerprint, StringComparison.Ordinal))
        {
            throw new ModelPlanException($"the student of '{outcome.Result.DecoderId}' was not trimmed on the encoder of {modelDirectory}");
        }

        var replaced = plan.FindDecoder(entry.Id) is not null;
        var decoders = replaced
            ? plan.Decoders.Select(d => string.Equals(d.Id, entry.Id, StringComparison.Ordinal) ? entry : d).ToArray()
            : [.. plan.Decoders, entry];
        var updated = plan with { Decoders = decoders };
        ModelPlanSerializer.Validate(updated);
        var weights = ModelStore.DecoderPath(modelDirectory, entry.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        var teacherRecord = await ModelDirectory.ReadRecordAsync(modelDirectory, outcome.Result.DecoderId, cancellationToken).ConfigureAwait(false);
        DurableFile.ReplaceFromPath(weights, temporary => outcome.Student.save(temporary));
        ModelPlanSerializer.Save(updated, planPath);
        if (teacherRecord is not null)
        {
            var r = outcome.Result;
            ModelDirectory.WriteRecord(modelDirectory, entry.Id, teacherRecord with
            {
                Provenance = teacherRecord.Provenance with { TrainedAt = timeProvider.GetUtcNow() },
                Metrics = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["validationDice"] = r.StudentDice,
                    ["teacherValidationDice"] = r.TeacherDice,
                    ["relativeDiceDrop"] = r.RelativeDiceDrop,
                    ["parameters"] = r.After.Parameters,
                    ["teacherParameters"] = r.Before.Parameters,
                },
            });
        }

        return updated;
    }

    /// <summary>
    /// The synchronous form of <see cref="TrimAsync(DecoderBank, string, IReadOnlyList{TrainingSample}, IReadOnlyList{TrainingSample}, TrimOptions, Action{TrimProgress}?, CancellationToken)"/>.
    /// The bank stays on its device; the patches are moved there and the student is made there.
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="TrimOptions.Precision"/> cannot run on the bank's device; the message says why.</exception>
    public static TrimOutcome Trim(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> validation,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => Trim(bank, decoderId, training, validation, validation, options, progress, cancellationToken);

    /// <summary>
    /// Trims with the search's candidates ranked on <paramref name="search"/> and the finalists accepted or refused on
    /// <paramref name="acceptance"/>, patches of other validation cases, so that the rule is not judged on the data the
    /// ranking favoured. (The same list for both is allowed; <see cref="TrimResult.SeparateAcceptance"/> then says so.)
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="TrimOptions.Precision"/> cannot run on the bank's device; the message says why.</exception>
    public static TrimOutcome Trim(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> search,
        IReadOnlyList<TrainingSample> acceptance,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => Trim(bank, decoderId, training, search, acceptance, null, options, progress, cancellationToken);

    /// <summary>
    /// As <see cref="Trim(DecoderBank, string, IReadOnlyList{TrainingSample}, IReadOnlyList{TrainingSample}, IReadOnlyList{TrainingSample}, TrimOptions, Action{TrimProgress}?, CancellationToken)"/>;
    /// with <paramref name="acceptanceVolumes"/> (whole preprocessed validation cases, not empty) the teacher and each
    /// finalist are scored on those whole volumes by sliding-window inference, as the pipeline predicts, and the Dice
    /// rule is decided there instead of on the acceptance patches.
    /// </summary>
    /// <exception cref="NotSupportedException"><see cref="TrimOptions.Precision"/> cannot run on the bank's device; the message says why.</exception>
    public static TrimOutcome Trim(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample> search,
        IReadOnlyList<TrainingSample> acceptance,
        IReadOnlyList<PreprocessedCase>? acceptanceVolumes,
        TrimOptions options,
        Action<TrimProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(acceptance);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _ = PrecisionContext.Create(options.Precision, PrecisionContext.DeviceOf(bank).type);
        var teacher = bank.GetDecoder(decoderId);
        CheckSamples(bank, teacher, training, nameof(training), requireAny: true);
        CheckSamples(bank, teacher, search, nameof(search), requireAny: true);
        CheckSamples(bank, teacher, acceptance, nameof(acceptance), requireAny: true);
        var volumes = acceptanceVolumes is { Count: > 0 } ? acceptanceVolumes : null;
        if (acceptanceVolumes is { Count: 0 })
        {
            throw new ArgumentException("no acceptance volumes; pass null to accept on the acceptance patches", nameof(acceptanceVolumes));
        }

        if (volumes is not null)
        {
            WholeVolumeDice.Check(bank.Encoder, teacher, volumes, nameof(acceptanceVolumes));
        }

        var separate = !ReferenceEquals(search, acceptance);
        var windowDevice = PrecisionContext.DeviceOf(bank);
        var window = acceptance[0].Image.shape.Skip(1).Select(static d => (int)d).ToArray();
        var studentId = options.StudentId ?? teacher.Plan.Id;
        // Students learn with deep supervision (auxiliary heads on the coarser stages, used in distillation only).
        var template = teacher.Plan with { Id = studentId, DeepSupervision = true };
        ModelPlanSerializer.ValidateDecoder(template, bank.EncoderPlan.Stages.Count);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        progress?.Invoke(new TrimProgress(TrimPhase.Caching, 0, training.Count + search.Count + (separate ? acceptance.Count : 0), "caching encoder features and teacher logits"));
        using var trainCache = FeatureCache.Build(bank.Encoder, teacher, training, options.MaxCacheBytes, cancellationToken);
        using var searchCache = FeatureCache.Build(bank.Encoder, teacher, search, options.MaxCacheBytes, cancellationToken);
        using var separateCache = separate ? FeatureCache.Build(bank.Encoder, teacher, acceptance, options.MaxCacheBytes, cancellationToken) : null;
        var acceptanceCache = separateCache ?? searchCache;
        double Accepting(Decoder decoder, bool teacherLogits) => volumes is null
            ? Distiller.Evaluate(decoder, acceptanceCache, useTeacherLogits: teacherLogits)
            : WholeVolumeDice.Evaluate(bank.Encoder, decoder, volumes, window, windowDevice, cancellationToken);
        var searchTeacherDice = Distiller.Evaluate(teacher, searchCache, useTeacherLogits: true);
        if (double.IsNaN(searchTeacherDice))
        {
            throw new ArgumentException("the search patches hold no foreground label; candidates cannot be ranked by Dice", nameof(search));
        }

        var teacherDice = separate || volumes is not null ? Accepting(teacher, teacherLogits: true) : searchTeacherDice;
        if (double.IsNaN(teacherDice))
        {
            throw volumes is null
                ? new ArgumentException("the acceptance patches hold no foreground label; the Dice rule cannot be applied", nameof(acceptance))
                : new ArgumentException("the acceptance volumes hold no foreground label; the Dice rule cannot be applied", nameof(acceptanceVolumes));
        }

        var skips = searchCache.Skips(0);
        var before = DecoderCostMeter.Measure(teacher, bank.EncoderPlan, skips, options.LatencyWarmup, options.LatencyRepeats);
        var cachingSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var journal = options.SearchJournal is null ? null : SearchJournal.Open(options.SearchJournal, SearchIdentity(teacher, before, options, trainCache.Count, searchCache.Count));
        var evolution = new GenotypeSearch(bank.EncoderPlan, teacher, template, options, before, trainCache, searchCache, progress, cancellationToken) { Journal = journal };
        var candidates = evolution.Run();
        var searchSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var judged = new List<FinalistEvaluation>();
        TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);
        TrimTimings Timings() => new(Seconds(cachingSeconds), Seconds(searchSeconds), clock.Elapsed);

        var finalists = candidates
            .GroupBy(c => Key(c.Genotype))
            .Select(g => g.First())
            .Where(c => c.Cost.Parameters < before.Parameters && c.Cost.Flops <= before.Flops)
            .OrderByDescending(c => c.Fitness)
            .Take(options.Finalists)
            .ToArray();

        double bestDice = double.NaN;
        for (var k = 0; k < finalists.Length; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plan = template with { Genotype = finalists[k].Genotype };
            progress?.Invoke(new TrimProgress(TrimPhase.Distillation, k, finalists.Length, $"distilling finalist {k + 1}/{finalists.Length}: {Describe(plan.Genotype)}"));
            var student = TeacherWeights.NewStudent(bank.EncoderPlan, teacher, plan, trainCache, options, options.Seed + 7919 + k);

            try
            {
                new Distiller(options.Distillation, options.Precision).Distill(student, trainCache, cancellationToken);
                var dice = Accepting(student, teacherLogits: false);
                var drop = RelativeDrop(teacherDice, dice);
                if (double.IsNaN(bestDice) || dice > bestDice)
                {
                    bestDice = dice;
                }

                judged.Add(new FinalistEvaluation(plan.Genotype, finalists[k].ValidationDice, dice, drop, drop <= options.MaxRelativeDiceDrop));
                if (drop <= options.MaxRelativeDiceDrop)
                {
                    var after = DecoderCostMeter.Measure(student, bank.EncoderPlan, skips, options.LatencyWarmup, options.LatencyRepeats);
                    var result = new TrimResult
                    {
                        DecoderId = teacher.Plan.Id,
                        Accepted = true,
                        TeacherDice = teacherDice,
                        StudentDice = dice,
                        RelativeDiceDrop = drop,
                        MaxRelativeDiceDrop = options.MaxRelativeDiceDrop,
                        Before = before,
                        After = after,
                        TeacherGenotype = teacher.Plan.Genotype,
                        Genotype = plan.Genotype,
                        Candidates = candidates,
                        Finalists = judged,
                        SearchTeacherDice = searchTeacherDice,
                        SeparateAcceptance = separate,
                        AcceptanceOnVolumes = volumes is not null,
                        InheritedTeacherWeights = options.InheritTeacherWeights,
                        DistillationSteps = (options.SearchSteps, options.Distillation.Steps),
                        Timings = Timings(),
                        Message = string.Create(CultureInfo.InvariantCulture, $"accepted {Describe(plan.Genotype)}: Dice {dice:F4} vs {teacherDice:F4} on the acceptance {(volumes is null ? "patches" : "volumes")} (drop {drop:P2} ≤ {options.MaxRelativeDiceDrop:P2}); parameters {before.Parameters} → {after.Parameters}, FLOPs {before.Flops} → {after.Flops}, latency {before.LatencyMilliseconds:F2} ms → {after.LatencyMilliseconds:F2} ms"),
                    };
                    progress?.Invoke(new TrimProgress(TrimPhase.Done, finalists.Length, finalists.Length, result.Message));
                    return new TrimOutcome(result, plan, student);
                }

                student.Dispose();
            }
            catch
            {
                student.Dispose();
                throw;
            }
        }

        var kept = new TrimResult
        {
            DecoderId = teacher.Plan.Id,
            Accepted = false,
            TeacherDice = teacherDice,
            StudentDice = bestDice,
            RelativeDiceDrop = double.IsNaN(bestDice) ? double.NaN : RelativeDrop(teacherDice, bestDice),
            MaxRelativeDiceDrop = options.MaxRelativeDiceDrop,
            Before = before,
            After = before,
            TeacherGenotype = teacher.Plan.Genotype,
            Genotype = teacher.Plan.Genotype,
            Candidates = candidates,
            Finalists = judged,
            SearchTeacherDice = searchTeacherDice,
            SeparateAcceptance = separate,
            AcceptanceOnVolumes = volumes is not null,
            InheritedTeacherWeights = options.InheritTeacherWeights,
            DistillationSteps = (options.SearchSteps, options.Distillation.Steps),
            Timings = Timings(),
            Message = finalists.Length == 0
                ? "no candidate was smaller than the full decoder; the full decoder is kept"
                : string.Create(CultureInfo.InvariantCulture, $"no student kept the Dice within {options.MaxRelativeDiceDrop:P2} of {teacherDice:F4} (best {bestDice:F4}); the full decoder is kept"),
        };
        progress?.Invoke(new TrimProgress(TrimPhase.Done, finalists.Length, finalists.Length, kept.Message));
        return new TrimOutcome(kept, teacher.Plan, null);
    }

    /// <summary>A compact text form of a genotype, e.g. <c>ConvPair×0.5+skip | SingleConv×0.25</c>.</summary>
    public static string Describe(DecoderGenotype genotype)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        return string.Join(" | ", genotype.Stages.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Block}×{g.WidthMultiplier}{(g.Skip ? "+skip" : string.Empty)}")));
    }

    /// <summary>What names a search for its journal: the teacher, the data's size and every setting that changes the candidates.</summary>
    private static string SearchIdentity(Decoder teacher, DecoderCost teacherCost, TrimOptions o, int trainingPatches, int searchPatches)
    {
        var d = o.Distillation;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"teacher {teacher.Plan.Id} ({teacherCost.Parameters} parameters), {trainingPatches} training and {searchPatches} search patches; seed {o.Seed}, {o.Candidates} candidates, population {o.Population}, tournament {o.TournamentSize}, {o.SearchSteps} steps (batch {d.BatchSize}, lr {d.LearningRate}, weight decay {d.WeightDecay}, T {d.Temperature}, alpha {d.Alpha}, seed {d.Seed}), cost weight {o.CostWeight} on {o.Penalty}, blocks {string.Join('/', o.BlockTypes)}, widths {string.Join('/', o.WidthMultipliers)}, skip drop {o.AllowSkipDrop}, inherited {o.InheritTeacherWeights}, {o.Precision}");
    }

    internal static string Key(DecoderGenotype genotype) => Describe(genotype);

    internal static double RelativeDrop(double teacherDice, double studentDice)
    {
        if (double.IsNaN(studentDice))
        {
            return double.PositiveInfinity;
        }

        return teacherDice > 0 ? (teacherDice - studentDice) / teacherDice : (studentDice >= teacherDice ? 0 : double.PositiveInfinity);
    }

    internal static void CheckSamples(DecoderBank bank, Decoder decoder, IReadOnlyList<TrainingSample> samples, string name, bool requireAny)
    {
        if (requireAny && samples.Count == 0)
        {
            throw new ArgumentException("no samples", name);
        }

        var maxLabel = decoder.Plan.OutputChannels - 1;
        foreach (var s in samples)
        {
            ArgumentNullException.ThrowIfNull(s, name);
            if (s.Image.dim() != 4 || s.Image.shape[0] != bank.InputChannels || s.Labels.dim() != 3 || !s.Image.shape.Skip(1).SequenceEqual(s.Labels.shape))
            {
                throw new ArgumentException($"a sample has image [{string.Join(',', s.Image.shape)}] and labels [{string.Join(',', s.Labels.shape)}]; expected [{bank.InputChannels},D,H,W] and [D,H,W]", name);
            }

            if (!s.Image.shape.SequenceEqual(samples[0].Image.shape))
            {
                throw new ArgumentException($"all patches must have one size; got [{string.Join(',', s.Image.shape)}] and [{string.Join(',', samples[0].Image.shape)}]", name);
            }

            using var scope = NewDisposeScope();
            var max = s.Labels.max().to(ScalarType.Int64).item<long>();
            var min = s.Labels.min().to(ScalarType.Int64).item<long>();
            if (min < 0 || max > maxLabel)
            {
                throw new ArgumentException($"a sample has labels {min}..{max}; decoder '{decoder.Plan.Id}' has labels 0..{maxLabel}", name);
            }
        }
    }
}
