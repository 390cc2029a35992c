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

        IReadOnlyList<StructureInfo> classes = DatasetClasses(options.Task, options.HostOrgans);
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
            Volume<byte> labels = options.HostOrgans ? c.CreateLabelMap(classes) : c.Labels;
            await NiftiWriter.WriteAsync(labels, Path.Combine(root, "labelsTr", c.CaseId + ".nii.gz"), ct, options.Task + (options.HostOrgans ? " labels with host organs" : " labels")).ConfigureAwait(false);
            if (options.Dicom && sink is not null)
            {
                await sink.WriteAsync(c, root, ct).ConfigureAwait(false);
            }

            double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.CaseWritten(logger, c.CaseId, c.Image.SizeX, c.Image.SizeY, c.Image.SizeZ, options.Dicom, elapsedMs);
        }).ConfigureAwait(false);

        Log.DatasetWritten(logger, options.Task, options.Cases, root);

        await File.WriteAllTextAsync(Path.Combine(root, "dataset.json"), DatasetJson(options.Task, options.Cases, classes), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>
    /// The classes of a dataset in label order: the task's structures, then, with <paramref name="hostOrgans"/>, the
    /// host organs of its lesions in catalogue order.
    /// </summary>
    /// <exception cref="ArgumentException">Host organs asked of a task without lesions.</exception>
    public IReadOnlyList<StructureInfo> DatasetClasses(string task, bool hostOrgans)
    {
        IReadOnlyList<StructureInfo> own = catalogue.ForTask(task);
        if (!hostOrgans)
        {
            return own;
        }

        if (!own.Any(static s => s.IsLesion))
        {
            throw new ArgumentException($"Task '{task}' has no lesions, so no host organs to label.", nameof(task));
        }

        HashSet<string> hosts = own.SelectMany(static s => s.Hosts).ToHashSet(StringComparer.Ordinal);
        return [.. own, .. catalogue.Structures.Where(s => hosts.Contains(s.Name))];
    }

    /// <summary>The nnU-Net v2 dataset.json of a task.</summary>
    public string DatasetJson(string task, int cases) => DatasetJson(task, cases, catalogue.ForTask(task));

    /// <summary>The nnU-Net v2 dataset.json of a task whose label maps hold <paramref name="classes"/> (label i + 1 for class i).</summary>
    public static string DatasetJson(string task, int cases, IReadOnlyList<StructureInfo> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("channel_names");
            w.WriteString("0", "CT");
            w.WriteEndObject();
            w.WriteStartObject("labels");
            w.WriteNumber("background", 0);
            for (int i = 0; i < classes.Count; i++)
            {
                w.WriteNumber(classes[i].Name, i + 1);
            }

            w.WriteEndObject();
            w.WriteNumber("numTraining", cases);
            w.WriteString("file_ending", ".nii.gz");
            w.WriteString("name", "Phantom_" + task);
            w.WriteString("description", "Procedural whole-body CT phantom, task " + task + (classes.Any(s => s.Task != task) ? ", with the host organs of its lesions" : string.Empty));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
