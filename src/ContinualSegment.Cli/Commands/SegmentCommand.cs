using System.CommandLine;
using System.Globalization;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg segment</c>: runs the whole model offline on one CT series or NIfTI volume through
/// <see cref="SegmentationUseCase"/> and prints one line about what it wrote.
/// </summary>
public static class SegmentCommand
{
    public static Command Create(TextWriter output)
    {
        var input = new Option<string>("--input") { Description = "A CT series directory (DICOM), or a CT volume as FILE.nii / FILE.nii.gz (any orthonormal affine; labels.nii.gz comes back on its grid). A NIfTI input has no source series: its CT is written as a DICOM series under OUT/ct, which seg.dcm and rtstruct.dcm then reference.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory: seg.dcm, rtstruct.dcm, labels.nii.gz, preview.png, report.json (and ct/ for a NIfTI input).", Required = true };
        var model = new Option<string?>("--model") { Description = "Model directory (plan.json, encoder.bin, decoders/, optional bodypart.bin). Default: models/default next to cseg or in the repository root above it." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is < 1 or > 256)
            {
                r.AddError("--threads must be between 1 and 256");
            }
        });
        var command = new Command("segment", "Segment a CT (DICOM series or NIfTI) with the model: writes DICOM-SEG, RTSTRUCT, the label map (catalogue values 1-143), a preview and a JSON report.")
        {
            input, outDir, model, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var modelDir = parse.GetValue(model) is { } m ? Path.GetFullPath(m) : DefaultModelDirectory();
            var outcome = await SegmentAsync(parse.GetValue(input)!, parse.GetValue(outDir)!, modelDir, parse.GetValue(threads), ct).ConfigureAwait(false);
            if (outcome.StructureCount == 0)
            {
                throw new InvalidDataException($"the model found no structure in the scan; {SegmentationUseCase.LabelsFileName}, {SegmentationUseCase.PreviewFileName} and {SegmentationUseCase.ReportFileName} were written, SEG and RTSTRUCT need at least one structure");
            }

            var used = outcome.Decisions.Where(d => d.Ran).Select(d => d.DecoderId).ToArray();
            var report = outcome.Report;
            var described = report.Input.Kind == "nifti" ? $"NIfTI {report.Input.Path}" : $"series {report.Input.SeriesInstanceUid}";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"segmented {described}: {outcome.StructureCount} structure(s) by {(used.Length == 0 ? "no decoder" : string.Join(", ", used))} in {outcome.PipelineSeconds:0.0} s; wrote {outcome.OutputDirectory}")).ConfigureAwait(false);
            foreach (var d in outcome.Decisions.Where(d => !d.Ran))
            {
                await output.WriteLineAsync($"skipped decoder {d.DecoderId}: {d.Reason}").ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }

    /// <summary>
    /// models/default beside the app, else in the closest folder above the app that has one (the repository
    /// root when run from a build folder), else in the current directory.
    /// </summary>
    internal static string DefaultModelDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "default");
            if (File.Exists(Path.Combine(candidate, ModelStore.PlanFileName)))
            {
                return candidate;
            }
        }

        var local = Path.Combine(Directory.GetCurrentDirectory(), "models", "default");
        if (Directory.Exists(local))
        {
            return local;
        }

        throw new ModelPlanException("no model given and no models/default (with plan.json) found next to cseg, above it or in the current directory; pass --model DIR");
    }

    /// <summary>Loads the model and runs the segmentation use case once, writing every output into <paramref name="outDir"/>.</summary>
    internal static async Task<SegmentationOutcome> SegmentAsync(string input, string outDir, string modelDir, int? threads, CancellationToken cancellationToken)
    {
        var source = SegmentationInput.FromPath(input);
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads });
        var catalogue = StructureCatalogue.LoadDefault();
        using var pipeline = await SegmentationPipeline.LoadAsync(modelDir, SegmentationPipeline.CatalogueFrom(catalogue), null, cancellationToken).ConfigureAwait(false);
        var useCase = new SegmentationUseCase(pipeline, catalogue, new SegmentationUseCaseOptions { SoftwareVersion = PrintVersionAction.Version });
        return await useCase.RunAsync(source, outDir, cancellationToken).ConfigureAwait(false);
    }
}
