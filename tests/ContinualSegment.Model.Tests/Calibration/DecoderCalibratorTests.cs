using ContinualSegment.Imaging;
using ContinualSegment.Model.Calibration;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Tests.Datasets;
using ContinualSegment.Model.Tests.Packages;

namespace ContinualSegment.Model.Tests.Calibration;

/// <summary>
/// Calibration of a trained tiny model's decoder on its validation cases, and where the temperature is stored: the plan
/// of the model it was trained in (and from there the manifest of an exported package), never an installed package.
/// </summary>
public sealed class DecoderCalibratorTests(TrainedBaseFixture fixture) : IClassFixture<TrainedBaseFixture>
{
    // The fixture trained with validation fraction 0.34 and seed 3 (TrainedBaseFixture.Options); its record names seed 3.
    private static CalibrationOptions Options(double fraction = 0.34) => new() { ValidationFraction = fraction, VoxelsPerCase = 2_000 };

    [Fact]
    public async Task Calibration_uses_the_validation_cases_of_the_training_split_writes_nothing_and_does_not_worsen_the_likelihood()
    {
        var model = fixture.CopyBase("calibrate");
        var planBefore = await File.ReadAllBytesAsync(Path.Combine(model, ModelStore.PlanFileName));

        var result = await DecoderCalibrator.CalibrateAsync(model, fixture.ChestDir, "chest", Options(), CancellationToken.None);

        var dataset = await NnUnetDataset.OpenAsync(fixture.ChestDir, StructureCatalogue.LoadDefault(), CancellationToken.None);
        var split = dataset.Split(0.34, 3);
        Assert.Equal(split.Validation.Select(c => c.Id), result.ValidationCases);
        Assert.DoesNotContain(result.ValidationCases, id => split.Training.Any(c => c.Id == id));
        Assert.Equal(3, result.SplitSeed);
        Assert.Equal(DecoderOrigin.Model, result.Origin);
        Assert.Equal(1.0, result.PreviousTemperature);
        Assert.Empty(result.Warnings);
        Assert.InRange(result.Temperature, 0.05, 20);
        Assert.True(result.After.NegativeLogLikelihood <= result.Before.NegativeLogLikelihood);
        Assert.Equal(result.Before.Accuracy, result.After.Accuracy, 9);
        Assert.InRange(result.Voxels, 1, 2_000 * result.ValidationCases.Count);
        Assert.True(result.VoxelsRepresented >= result.Voxels);
        Assert.InRange(result.ForegroundVoxels, 1, result.Voxels - 1);
        Assert.Equal(result.ForegroundBefore!.Accuracy, result.ForegroundAfter!.Accuracy, 9);
        Assert.Equal(planBefore, await File.ReadAllBytesAsync(Path.Combine(model, ModelStore.PlanFileName)));

        // A whole-volume Dice for exactly the classes the validation cases contain on the model grid.
        var plan = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        var present = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in split.Validation)
        {
            var preprocessed = await CasePreprocessor.LoadAsync(c, plan, dataset.Classes.Count, CancellationToken.None);
            foreach (var label in preprocessed.Labels.Where(l => l > 0).Distinct())
            {
                present.Add(dataset.Classes[label - 1]);
            }
        }

        Assert.NotEmpty(present);
        Assert.Equal(present, result.ValidationDice.Keys);
        Assert.All(result.ValidationDice.Values, d => Assert.InRange(d, 0, 1));

        var again = await DecoderCalibrator.CalibrateAsync(model, fixture.ChestDir, "chest", Options(), CancellationToken.None);
        Assert.Equal(result.Temperature, again.Temperature);
        Assert.Equal(result.Before, again.Before);
        Assert.Equal(result.ValidationDice, again.ValidationDice);
    }

    [Fact]
    public void Dice_counts_sum_over_cases_and_leave_out_classes_the_truth_does_not_contain()
    {
        var counts = new DiceCounts(4);
        counts.Add([1, 1, 2, 0, 3], [1, 2, 2, 0, 0]);
        counts.Add([1, 0], [1, 1]);

        var dice = counts.Dice(["a", "b", "c"]);

        // a: shared 2, predicted 3, true 3 → 4/6; b: shared 1, predicted 1, true 2 → 2/3; c: never true → absent.
        Assert.Equal(["a", "b"], dice.Keys);
        Assert.Equal(4.0 / 6, dice["a"], 12);
        Assert.Equal(2.0 / 3, dice["b"], 12);
        Assert.Throws<ArgumentException>(() => counts.Add([1], [1, 2]));
        Assert.Throws<ArgumentException>(() => counts.Add([1], [4]));
    }

    [Fact]
    public async Task A_split_that_does_not_leave_the_recorded_training_cases_is_refused()
    {
        var ex = await Assert.ThrowsAsync<NnUnetDatasetException>(
            () => DecoderCalibrator.CalibrateAsync(fixture.BaseDir, fixture.ChestDir, "chest", Options(fraction: 0.67), CancellationToken.None));

        Assert.Contains("was trained on 2 case(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("leaves 1 training case(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dataset_with_other_labels_than_the_decoders_classes_is_refused()
    {
        var ex = await Assert.ThrowsAsync<NnUnetDatasetException>(
            () => DecoderCalibrator.CalibrateAsync(fixture.BaseDir, fixture.HeadNeckDir, "chest", Options(), CancellationToken.None));

        Assert.Contains("do not match decoder 'chest'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_decoder_is_refused_naming_the_decoders_there_are()
    {
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(
            () => DecoderCalibrator.CalibrateAsync(fixture.BaseDir, fixture.ChestDir, "liver", Options(), CancellationToken.None));

        Assert.Equal(DecoderPackageRefusal.UnknownDecoder, ex.Reason);
        Assert.Contains("it has: chest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_temperature_round_trips_through_plan_json_and_into_an_exported_manifest()
    {
        var model = fixture.CopyBase("store");
        ModelStore.SetBodyPartRanges(model, new Dictionary<string, BodyPartRange> { ["chest"] = new() { Min = -3, Max = 3 } });
        var directory = new ModelDirectory(model);
        var stampBefore = await directory.ReadStampAsync(CancellationToken.None);

        var previous = await directory.SetCalibrationTemperatureAsync("chest", 1.2345, CancellationToken.None);

        Assert.Equal(1.0, previous);
        Assert.Equal(1.2345, ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName)).FindDecoder("chest")!.Temperature);
        Assert.NotEqual(stampBefore, await directory.ReadStampAsync(CancellationToken.None));
        using (var loaded = ModelStore.Load(model))
        {
            Assert.Equal(1.2345, loaded.Plan.FindDecoder("chest")!.Temperature);
        }

        var package = Path.Combine(fixture.Root, "store-" + Guid.NewGuid().ToString("N") + ".cseg-decoder.zip");
        await directory.ExportAsync("chest", package, new DecoderExportOptions { Catalogue = await CatalogueAsync() }, CancellationToken.None);
        var verified = await new DecoderPackageReader(new DecoderPackageReaderOptions()).VerifyAsync(package, CancellationToken.None);
        Assert.Equal(1.2345, verified.Manifest.CalibrationTemperature);

        await Assert.ThrowsAsync<ModelPlanException>(() => directory.SetCalibrationTemperatureAsync("chest", 0, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<DecoderPackageException>(() => directory.SetCalibrationTemperatureAsync("liver", 2, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.UnknownDecoder, unknown.Reason);
    }

    [Fact]
    public async Task An_installed_package_calibrates_like_the_decoder_it_was_exported_from_but_its_manifest_is_not_rewritten()
    {
        var trained = fixture.CopyBase("trained");
        ModelStore.SetBodyPartRanges(trained, new Dictionary<string, BodyPartRange> { ["chest"] = new() { Min = -3, Max = 3 } });
        var package = Path.Combine(fixture.Root, "pkg-" + Guid.NewGuid().ToString("N") + ".cseg-decoder.zip");
        var catalogue = await CatalogueAsync();
        await new ModelDirectory(trained).ExportAsync("chest", package, new DecoderExportOptions { Catalogue = catalogue }, CancellationToken.None);
        var other = fixture.CopyBase("installed");
        var installed = await new ModelDirectory(other).InstallAsync(package, new DecoderInstallOptions { Catalogue = catalogue, Replace = true }, CancellationToken.None);
        var manifestPath = Path.Combine(installed.Directory, DecoderPackageLayout.ManifestEntry);
        var manifestBefore = await File.ReadAllBytesAsync(manifestPath);

        var fromModel = await DecoderCalibrator.CalibrateAsync(trained, fixture.ChestDir, "chest", Options(), CancellationToken.None);
        var fromPackage = await DecoderCalibrator.CalibrateAsync(other, fixture.ChestDir, "chest", Options(), CancellationToken.None);

        Assert.Equal(DecoderOrigin.Package, fromPackage.Origin);
        Assert.Equal(fromModel.ValidationCases, fromPackage.ValidationCases);
        Assert.Equal(fromModel.Temperature, fromPackage.Temperature);
        Assert.Equal(fromModel.After, fromPackage.After);
        var refused = await Assert.ThrowsAsync<DecoderPackageException>(
            () => new ModelDirectory(other).SetCalibrationTemperatureAsync("chest", fromPackage.Temperature, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.InstalledPackageIsFixed, refused.Reason);
        await Assert.ThrowsAsync<DecoderPackageException>(() => new ModelDirectory(other).EnsureTemperatureWritableAsync("chest", CancellationToken.None));
        Assert.Equal(manifestBefore, await File.ReadAllBytesAsync(manifestPath));
    }

    private static Task<IReadOnlyDictionary<string, CatalogueCodes>> CatalogueAsync()
        => CatalogueCsv.LoadAsync(PackageTestContext.FindCatalogue(), CancellationToken.None);
}
