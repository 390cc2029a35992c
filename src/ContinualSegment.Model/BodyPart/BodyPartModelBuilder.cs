using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using TorchSharp;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// Trains the body-part regressor of a model directory on the CT images of nnU-Net datasets (no labels
/// are used for training), stores it as <c>bodypart.bin</c> with its plan section, and records for every
/// decoder whose task one of the datasets has the score range its training labels cover.
/// </summary>
public static class BodyPartModelBuilder
{
    /// <summary>Trains, saves and records the ranges; see the type summary.</summary>
    /// <exception cref="ModelPlanException">The model directory is not valid.</exception>
    /// <exception cref="InvalidDataException">A dataset cannot be read or has too few slices.</exception>
    public static async Task<BodyPartModelReport> TrainAsync(
        string modelDirectory,
        IReadOnlyList<string> datasetDirectories,
        StructureCatalogue catalogue,
        BodyPartModelOptions options,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(datasetDirectories);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (datasetDirectories.Count == 0)
        {
            throw new ArgumentException("at least one dataset is needed", nameof(datasetDirectories));
        }

        var plan = ModelPlanSerializer.Load(Path.Combine(modelDirectory, ModelStore.PlanFileName));
        var spacing = options.SliceSpacingMm ?? plan.TargetSpacing[0];

        var datasets = new List<(NnUnetDataset Dataset, string Task)>();
        foreach (var dir in datasetDirectories)
        {
            NnUnetDataset dataset;
            try
            {
                dataset = await NnUnetDataset.OpenAsync(dir, catalogue, cancellationToken).ConfigureAwait(false);
            }
            catch (NnUnetDatasetException ex)
            {
                throw new InvalidDataException($"dataset {dir}: {ex.Message}", ex);
            }

            var task = dataset.CatalogueTask(catalogue) ?? "custom";
            datasets.Add((dataset, task));
        }

        var cases = datasets.SelectMany(d => d.Dataset.Cases).ToArray();
        torch.manual_seed(options.Seed);
        using var regressor = new BodyPartRegressor(options.Width);
        IReadOnlyList<double> losses;
        var format = new BodyPartSliceFormat(options.SliceSize, options.FieldOfViewMm);
        var volumes = await BodyPartVolumes.LoadAsync(cases.Select(c => c.ImagePaths[0]), spacing, format, cancellationToken).ConfigureAwait(false);
        try
        {
            var training = options.Training with { Steps = options.Epochs * options.StepsPerEpoch, Seed = options.Seed };
            if (volumes.All(v => v.shape[0] < training.SlicesPerVolume))
            {
                throw new InvalidDataException($"no CT volume has {training.SlicesPerVolume} slices at {spacing} mm; body-part regression needs longer scans");
            }

            progress?.Report($"training the body-part regressor on {volumes.Count} volume(s) at {spacing} mm slices: {training.Steps} steps");
            losses = BodyPartTrainer.Train(regressor, volumes, training, cancellationToken);
        }
        finally
        {
            foreach (var v in volumes)
            {
                v.Dispose();
            }
        }

        var written = ModelStore.SaveBodyPart(modelDirectory, regressor, options.SliceSize, spacing, options.FieldOfViewMm);

        var ranges = new Dictionary<string, BodyPartRange>(StringComparer.Ordinal);
        var untouched = new List<string>();
        foreach (var decoder in written.Decoders)
        {
            var matching = datasets.Where(d => string.Equals(d.Task, decoder.Task, StringComparison.Ordinal)).SelectMany(d => d.Dataset.Cases).ToArray();
            if (matching.Length == 0)
            {
                untouched.Add(decoder.Id);
                continue;
            }

            var perCase = new List<(IReadOnlyList<double>, IReadOnlyList<bool>)>();
            foreach (var c in matching)
            {
                var image = await NiftiReader.ReadFloatAsync(c.ImagePaths[0], cancellationToken).ConfigureAwait(false);
                var labels = await NiftiReader.ReadLabelsAsync(c.LabelPath, cancellationToken).ConfigureAwait(false);
                if (labels.SizeZ != image.SizeZ)
                {
                    throw new InvalidDataException($"case {c.Id}: labels have {labels.SizeZ} slices, the image {image.SizeZ}");
                }

                using var slices = format.Prepare(image.Data, image.SizeZ, image.SizeY, image.SizeX, image.Spacing.Y, image.Spacing.X);
                perCase.Add((BodyPartScorer.ScoreMonotonic(regressor, slices), BodyPartRangeCalculator.SlicesWithForeground(labels.Data, labels.SizeZ)));
            }

            try
            {
                ranges[decoder.Id] = BodyPartRangeCalculator.Compute(perCase, options.RangeMargin);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"decoder '{decoder.Id}': the {decoder.Task} datasets hold no labelled slice ({ex.Message})", ex);
            }
        }

        var final = ranges.Count > 0 ? ModelStore.SetBodyPartRanges(modelDirectory, ranges) : written;
        return new BodyPartModelReport(final, volumes.Count, losses, ranges, untouched);
    }
}
