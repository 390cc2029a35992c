using System.Text.Json;
using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// An nnU-Net v2 raw dataset folder: <c>dataset.json</c> (channel_names, labels {name: value},
/// numTraining, file_ending), <c>imagesTr/&lt;case&gt;_&lt;cccc&gt;&lt;ending&gt;</c> and
/// <c>labelsTr/&lt;case&gt;&lt;ending&gt;</c>.
/// </summary>
public sealed class NnUnetDataset
{
    /// <summary>The largest dataset.json read.</summary>
    public const long MaxDatasetJsonBytes = 1024 * 1024;

    private NnUnetDataset(string directory, IReadOnlyList<string> channels, IReadOnlyList<string> classes, string fileEnding, IReadOnlyList<NnUnetCase> cases)
    {
        Directory = directory;
        ChannelNames = channels;
        Classes = classes;
        FileEnding = fileEnding;
        Cases = cases;
    }

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    /// <summary>Channel names (CT, …) in channel order.</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <summary>Class names in label order: element i has label value i + 1 (background excluded).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The image file ending (".nii.gz").</summary>
    public string FileEnding { get; }

    /// <summary>The training cases, ordered by id.</summary>
    public IReadOnlyList<NnUnetCase> Cases { get; }

    /// <summary>The catalogue task of the dataset's first class (its task, for a dataset of one task's labels); null when it has none or the class is not in <paramref name="catalogue"/>.</summary>
    public string? CatalogueTask(StructureCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return Classes.Count > 0 && catalogue.TryGet(Classes[0], out var s) && s is not null ? s.Task : null;
    }

    /// <summary>
    /// Reads <paramref name="directory"/>. Labels must be 0 (background) and 1..n without gaps; every
    /// class name must exist in <paramref name="catalogue"/> when one is given.
    /// </summary>
    public static async Task<NnUnetDataset> OpenAsync(string directory, StructureCatalogue? catalogue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var jsonPath = Path.Combine(directory, "dataset.json");
        var info = new FileInfo(jsonPath);
        if (!info.Exists)
        {
            throw new NnUnetDatasetException($"{jsonPath} not found");
        }

        if (info.Length > MaxDatasetJsonBytes)
        {
            throw new NnUnetDatasetException($"{jsonPath} is {info.Length} bytes; at most {MaxDatasetJsonBytes} are read");
        }

        var bytes = await File.ReadAllBytesAsync(jsonPath, cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return Parse(directory, doc.RootElement, catalogue);
        }
        catch (JsonException ex)
        {
            throw new NnUnetDatasetException($"{jsonPath} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Splits the cases into training and validation by a seeded shuffle (at least one training case).</summary>
    public DatasetSplit Split(double validationFraction, int seed)
    {
        if (!double.IsFinite(validationFraction) || validationFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validation fraction must be in [0, 1)");
        }

        var order = Cases.ToArray();
        new Random(seed).Shuffle(order);
        var nVal = (int)Math.Round(order.Length * validationFraction);
        nVal = Math.Min(nVal, order.Length - 1);
        if (validationFraction > 0 && order.Length > 1)
        {
            nVal = Math.Max(nVal, 1);
        }

        return new DatasetSplit(order.Skip(nVal).ToArray(), order.Take(nVal).ToArray());
    }

    private static NnUnetDataset Parse(string directory, JsonElement root, StructureCatalogue? catalogue)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new NnUnetDatasetException("dataset.json: the root is not an object");
        }

        var channels = ReadChannels(root);
        var classes = ReadLabels(root, catalogue);
        var ending = root.TryGetProperty("file_ending", out var fe) && fe.ValueKind == JsonValueKind.String ? fe.GetString()! : ".nii.gz";
        if (ending.Length == 0 || ending.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new NnUnetDatasetException($"dataset.json: invalid file_ending '{ending}'");
        }

        var labelsDir = Path.Combine(directory, "labelsTr");
        var imagesDir = Path.Combine(directory, "imagesTr");
        if (!System.IO.Directory.Exists(labelsDir) || !System.IO.Directory.Exists(imagesDir))
        {
            throw new NnUnetDatasetException($"{directory} needs imagesTr/ and labelsTr/");
        }

        var cases = new List<NnUnetCase>();
        foreach (var label in System.IO.Directory.EnumerateFiles(labelsDir, "*" + ending).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(label);
            var id = name[..^ending.Length];
            var images = new string[channels.Count];
            for (var c = 0; c < channels.Count; c++)
            {
                images[c] = Path.Combine(imagesDir, $"{id}_{c:D4}{ending}");
                if (!File.Exists(images[c]))
                {
                    throw new NnUnetDatasetException($"case '{id}': image {images[c]} not found");
                }
            }

            cases.Add(new NnUnetCase(id, images, label));
        }

        if (cases.Count == 0)
        {
            throw new NnUnetDatasetException($"{labelsDir} holds no *{ending} label files");
        }

        if (root.TryGetProperty("numTraining", out var nt) && nt.TryGetInt32(out var n) && n != cases.Count)
        {
            throw new NnUnetDatasetException($"dataset.json says numTraining = {n} but labelsTr holds {cases.Count} cases");
        }

        return new NnUnetDataset(directory, channels, classes, ending, cases);
    }

    private static List<string> ReadChannels(JsonElement root)
    {
        if (!root.TryGetProperty("channel_names", out var ch) || ch.ValueKind != JsonValueKind.Object)
        {
            throw new NnUnetDatasetException("dataset.json: channel_names is missing");
        }

        var byIndex = new SortedDictionary<int, string>();
        foreach (var p in ch.EnumerateObject())
        {
            if (!int.TryParse(p.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var idx) || idx > 16)
            {
                throw new NnUnetDatasetException($"dataset.json: channel key '{p.Name}' is not an index 0..16");
            }

            byIndex[idx] = p.Value.GetString() ?? string.Empty;
        }

        if (byIndex.Count == 0 || byIndex.Keys.Last() != byIndex.Count - 1)
        {
            throw new NnUnetDatasetException("dataset.json: channel_names must be numbered 0..n-1");
        }

        return [.. byIndex.Values];
    }

    private static string[] ReadLabels(JsonElement root, StructureCatalogue? catalogue)
    {
        if (!root.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
        {
            throw new NnUnetDatasetException("dataset.json: labels is missing");
        }

        var byValue = new SortedDictionary<int, string>();
        foreach (var p in labels.EnumerateObject())
        {
            if (!p.Value.TryGetInt32(out var v) || v is < 0 or > ushort.MaxValue)
            {
                throw new NnUnetDatasetException($"dataset.json: label '{p.Name}' has no integer value in 0..65535 (region-based labels are not supported)");
            }

            if (!byValue.TryAdd(v, p.Name))
            {
                throw new NnUnetDatasetException($"dataset.json: labels '{byValue[v]}' and '{p.Name}' share value {v}");
            }
        }

        if (!byValue.ContainsKey(0) || byValue.Count < 2 || byValue.Keys.Last() != byValue.Count - 1)
        {
            throw new NnUnetDatasetException("dataset.json: labels must be background = 0 and classes 1..n without gaps");
        }

        var classes = byValue.Where(kv => kv.Key > 0).Select(kv => kv.Value).ToArray();
        if (catalogue is not null)
        {
            var unknown = classes.Where(c => !catalogue.TryGet(c, out _)).ToArray();
            if (unknown.Length > 0)
            {
                throw new NnUnetDatasetException($"dataset.json: labels not in the structure catalogue: {string.Join(", ", unknown)}");
            }
        }

        return classes;
    }
}
