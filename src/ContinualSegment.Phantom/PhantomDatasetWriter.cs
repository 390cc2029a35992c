using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ContinualSegment.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Phantom;

/// <summary>
/// Writes an nnU-Net-format dataset: dataset.json, imagesTr/&lt;case&gt;_0000.nii.gz (CT, int16 HU) and
/// labelsTr/&lt;case&gt;.nii.gz (uint8 task-local labels). Cases run in parallel; each case's randomness
/// comes from (seed, task, case index) only, so the bytes do not depend on scheduling.
/// </summary>
public sealed class PhantomDatasetWriter
{
    private readonly StructureCatalogue catalogue;
    private readonly IPhantomCaseSink? sink;
    private readonly ILogger<PhantomDatasetWriter> logger;

    public PhantomDatasetWriter(StructureCatalogue catalogue, IPhantomCaseSink? sink = null, ILogger<PhantomDatasetWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        this.catalogue = catalogue;
        this.sink = sink;
        this.logger = logger ?? NullLogger<PhantomDatasetWriter>.Instance;
    }

    /// <summary>Generates and writes every case; returns the case ids in order.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(PhantomDatasetOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Dicom && sink is null)
        {
            throw new InvalidOperationException("DICOM output was requested but no DICOM case writer is configured.");
        }

        string root = options.OutputDirectory;
        Directory.CreateDirectory(Path.Combine(root, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(root, "labelsTr"));
        int threadsPerCase = Math.Max(1, Environment.ProcessorCount / options.MaxParallelCases);
        var generator = new PhantomGenerator(catalogue, new PhantomGeneratorOptions
        {
            InPlaneSize = options.Size,
            SliceSpacingMm = options.SliceSpacingMm,
            MaxDegreeOfParallelism = threadsPerCase,
        });
        string[] ids = new string[options.Cases];
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelCases, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, options.Cases, po, async (index, ct) =>
        {
            long started = Stopwatch.GetTimestamp();
            PhantomCase c = generator.Generate(options.Task, options.Seed, index, ct);
            ids[index] = c.CaseId;
            await NiftiWriter.WriteAsync(c.Image, Path.Combine(root, "imagesTr", c.CaseId + "_0000.nii.gz"), ct, c.Metadata.SeriesDescription).ConfigureAwait(false);
            await NiftiWriter.WriteAsync(c.Labels, Path.Combine(root, "labelsTr", c.CaseId + ".nii.gz"), ct, options.Task + " labels").ConfigureAwait(false);
            if (options.Dicom && sink is not null)
            {
                await sink.WriteAsync(c, root, ct).ConfigureAwait(false);
            }

            double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.CaseWritten(logger, c.CaseId, c.Image.SizeX, c.Image.SizeY, c.Image.SizeZ, options.Dicom, elapsedMs);
        }).ConfigureAwait(false);

        Log.DatasetWritten(logger, options.Task, options.Cases, root);

        await File.WriteAllTextAsync(Path.Combine(root, "dataset.json"), DatasetJson(options.Task, options.Cases), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>The nnU-Net v2 dataset.json of a task.</summary>
    public string DatasetJson(string task, int cases)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("channel_names");
            w.WriteString("0", "CT");
            w.WriteEndObject();
            w.WriteStartObject("labels");
            w.WriteNumber("background", 0);
            foreach (StructureInfo s in catalogue.ForTask(task))
            {
                w.WriteNumber(s.Name, s.TaskLabel);
            }

            w.WriteEndObject();
            w.WriteNumber("numTraining", cases);
            w.WriteString("file_ending", ".nii.gz");
            w.WriteString("name", "Phantom_" + task);
            w.WriteString("description", "Procedural whole-body CT phantom, task " + task);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
