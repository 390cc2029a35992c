using System.CommandLine;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Preview;
using ContinualSegment.Phantom;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg phantom</c>: writes a procedural CT dataset in nnU-Net format (and DICOM series).</summary>
public static class PhantomCommand
{
    private static readonly string[] Tasks = ["wholebody", "chest", "headneck", "pathology"];

    public static Command Create(TextWriter output)
    {
        var outDir = new Option<string>("--out") { Description = "Output directory of the dataset.", Required = true };
        var task = new Option<string>("--task") { Description = "wholebody, chest, headneck or pathology.", Required = true };
        task.AcceptOnlyFromAmong(Tasks);
        var cases = new Option<int>("--cases") { Description = "Number of cases (1–1000).", DefaultValueFactory = _ => 1 };
        cases.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--cases must be between 1 and 1000");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same bytes.", DefaultValueFactory = _ => 1 };
        var dicom = new Option<bool>("--dicom") { Description = "Also write one DICOM CT series per case under dicom/<case>/." };
        var size = new Option<int>("--size") { Description = "In-plane matrix size (32–512).", DefaultValueFactory = _ => 256 };
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 32 or > 512)
            {
                r.AddError("--size must be between 32 and 512");
            }
        });
        var spacing = new Option<double?>("--slice-spacing") { Description = "Slice spacing in mm (default: drawn from 1.5–3 mm per case)." };
        var preview = new Option<bool>("--preview") { Description = "Also write previews/<case>.png (mid-slices with the labels)." };
        var hostOrgans = new Option<bool>("--host-organs") { Description = "Also label the lesions' host organs (liver, lung lobes, oesophagus) after the task's own labels, the lesion keeping its own label inside its host; pathology only." };
        var command = new Command("phantom", "Write a procedural whole-body CT phantom dataset (nnU-Net format) with exact labels.")
        {
            outDir, task, cases, seed, dicom, size, spacing, preview, hostOrgans,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(hostOrgans) && r.GetValue(task) is { } t && t != "pathology")
            {
                r.AddError($"--host-organs needs a task with lesions (pathology), not '{t}'");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalogue = StructureCatalogue.LoadDefault();
            var options = new PhantomDatasetOptions
            {
                Task = parse.GetValue(task)!,
                Cases = parse.GetValue(cases),
                Seed = parse.GetValue(seed),
                OutputDirectory = Path.GetFullPath(parse.GetValue(outDir)!),
                Size = parse.GetValue(size),
                SliceSpacingMm = parse.GetValue(spacing),
                Dicom = parse.GetValue(dicom),
                HostOrgans = parse.GetValue(hostOrgans),
            };
            var started = DateTime.UtcNow;
            var writer = new PhantomDatasetWriter(catalogue, options.Dicom ? new PhantomDicomSink() : null);
            var written = await writer.WriteAsync(options, cancellationToken).ConfigureAwait(false);
            var classes = writer.DatasetClasses(options.Task, options.HostOrgans);
            await output.WriteLineAsync($"wrote {written.Count} case(s) of task {options.Task} to {options.OutputDirectory} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s").ConfigureAwait(false);
            if (parse.GetValue(preview))
            {
                foreach (var caseId in written)
                {
                    var png = await RenderPreviewAsync(classes, options.OutputDirectory, caseId, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"preview {png}").ConfigureAwait(false);
                }
            }

            return CsegApp.Success;
        });
        return command;
    }

    /// <summary>Renders previews/&lt;case&gt;.png from a case's image and labels (label i + 1 is <paramref name="classes"/>[i]).</summary>
    public static async Task<string> RenderPreviewAsync(IReadOnlyList<StructureInfo> classes, string root, string caseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var image = await NiftiReader.ReadFloatAsync(Path.Combine(root, "imagesTr", $"{caseId}_0000.nii.gz"), cancellationToken).ConfigureAwait(false);
        var labels = await NiftiReader.ReadLabelsAsync(Path.Combine(root, "labelsTr", $"{caseId}.nii.gz"), cancellationToken).ConfigureAwait(false);
        var colours = classes.Select((s, i) => (Label: i + 1, s.Color)).ToDictionary(c => c.Label, c => (c.Color.R, c.Color.G, c.Color.B));
        var png = PreviewRenderer.RenderPng(
            image.Data,
            labels.Data,
            (image.SizeX, image.SizeY, image.SizeZ),
            (image.Geometry.Spacing.X, image.Geometry.Spacing.Y, image.Geometry.Spacing.Z),
            colours,
            new PreviewOptions());
        var path = Path.Combine(root, "previews", $"{caseId}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, png, cancellationToken).ConfigureAwait(false);
        return path;
    }
}
