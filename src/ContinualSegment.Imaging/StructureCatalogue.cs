using System.Globalization;

namespace ContinualSegment.Imaging;

/// <summary>
/// The coded structure catalogue: one row per structure, tasks in order (wholebody, chest, headneck,
/// pathology); the global index of a structure is its row number (1-based).
/// </summary>
public sealed class StructureCatalogue
{
    private const long MaxBytes = 16 * 1024 * 1024;

    private static readonly string[] Columns =
    [
        "task", "label", "name", "display_name", "tg263_name", "category_code", "category_scheme", "category_meaning",
        "type_code", "type_scheme", "type_meaning", "laterality_code", "laterality_meaning", "rgb", "overlaps",
    ];

    private readonly Dictionary<string, StructureInfo> byName;
    private readonly Dictionary<(string Task, int Label), StructureInfo> byTaskLabel;
    private readonly Dictionary<string, IReadOnlyList<StructureInfo>> byTaskList;

    private StructureCatalogue(List<StructureInfo> rows)
    {
        Structures = rows;
        byName = new Dictionary<string, StructureInfo>(StringComparer.Ordinal);
        byTaskLabel = [];
        var tasks = new List<string>();
        var byTask = new Dictionary<string, List<StructureInfo>>(StringComparer.Ordinal);
        foreach (StructureInfo s in rows)
        {
            if (!byName.TryAdd(s.Name, s))
            {
                throw new FormatException($"Duplicate structure name '{s.Name}'.");
            }

            if (!byTaskLabel.TryAdd((s.Task, s.TaskLabel), s))
            {
                throw new FormatException($"Duplicate label {s.TaskLabel} in task '{s.Task}'.");
            }

            if (!byTask.TryGetValue(s.Task, out List<StructureInfo>? list))
            {
                list = [];
                byTask.Add(s.Task, list);
                tasks.Add(s.Task);
            }

            if (list.Count + 1 != s.TaskLabel)
            {
                throw new FormatException($"Task '{s.Task}' labels must run 1..n in order; '{s.Name}' has {s.TaskLabel}.");
            }

            list.Add(s);
        }

        foreach (StructureInfo s in rows)
        {
            foreach (string host in s.Hosts)
            {
                if (!byName.ContainsKey(host))
                {
                    throw new FormatException($"'{s.Name}' overlaps unknown structure '{host}'.");
                }
            }
        }

        Tasks = tasks;
        byTaskList = byTask.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<StructureInfo>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>All structures in global order (index 0 holds global index 1).</summary>
    public IReadOnlyList<StructureInfo> Structures { get; }

    /// <summary>Task names in catalogue order.</summary>
    public IReadOnlyList<string> Tasks { get; }

    public int Count => Structures.Count;

    /// <summary>Reads a catalogue file in the format of organs-143.csv.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is too large or not a valid catalogue.</exception>
    public static async Task<StructureCatalogue> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"catalogue '{path}' does not exist", path);
        }

        if (info.Length > MaxBytes)
        {
            throw new FormatException($"catalogue '{path}' is larger than {MaxBytes} bytes");
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The catalogue embedded in this assembly (organs-143.csv).</summary>
    public static StructureCatalogue LoadDefault()
    {
        using Stream stream = typeof(StructureCatalogue).Assembly.GetManifestResourceStream("organs-143.csv")
            ?? throw new InvalidOperationException("The embedded catalogue organs-143.csv is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    public static StructureCatalogue Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        List<string[]> rows = CsvParser.Parse(csv);
        if (rows.Count == 0)
        {
            throw new FormatException("The catalogue is empty.");
        }

        string[] header = rows[0];
        if (header.Length != Columns.Length || !header.SequenceEqual(Columns, StringComparer.Ordinal))
        {
            throw new FormatException($"Unexpected catalogue header: {string.Join(',', header)}.");
        }

        var list = new List<StructureInfo>(rows.Count - 1);
        for (int r = 1; r < rows.Count; r++)
        {
            string[] f = rows[r];
            if (f.Length != Columns.Length)
            {
                throw new FormatException($"Catalogue row {r + 1} has {f.Length} fields, expected {Columns.Length}.");
            }

            list.Add(new StructureInfo
            {
                GlobalIndex = r,
                Task = Required(f[0], r),
                TaskLabel = int.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture),
                Name = Required(f[2], r),
                DisplayName = Required(f[3], r),
                Tg263Name = f[4].Length == 0 ? null : f[4],
                Category = new CodedConcept(Required(f[5], r), Required(f[6], r), Required(f[7], r)),
                Type = new CodedConcept(Required(f[8], r), Required(f[9], r), Required(f[10], r)),
                Laterality = f[11].Length == 0 ? null : new CodedConcept(f[11], "SCT", f[12]),
                Color = ParseColor(f[13], r),
                Hosts = f[14].Length == 0 ? [] : f[14].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            });
        }

        return new StructureCatalogue(list);
    }

    public StructureInfo this[string name] =>
        byName.TryGetValue(name, out StructureInfo? s) ? s : throw new KeyNotFoundException($"No structure named '{name}'.");

    public bool TryGet(string name, out StructureInfo? structure) => byName.TryGetValue(name, out structure);

    /// <summary>The structure with a global index (1-based).</summary>
    public StructureInfo ByGlobalIndex(int globalIndex)
    {
        if (globalIndex < 1 || globalIndex > Structures.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(globalIndex), $"Global index must be 1..{Structures.Count}.");
        }

        return Structures[globalIndex - 1];
    }

    public StructureInfo ByTaskLabel(string task, int label) =>
        byTaskLabel.TryGetValue((task, label), out StructureInfo? s)
            ? s
            : throw new KeyNotFoundException($"No label {label} in task '{task}'.");

    public IReadOnlyList<StructureInfo> ForTask(string task) =>
        byTaskList.TryGetValue(task, out IReadOnlyList<StructureInfo>? list)
            ? list
            : throw new KeyNotFoundException($"Unknown task '{task}'. Known: {string.Join(", ", Tasks)}.");

    public int GlobalIndexOf(string task, int label) => ByTaskLabel(task, label).GlobalIndex;

    private static string Required(string v, int row) =>
        v.Length == 0 ? throw new FormatException($"Catalogue row {row + 1} has an empty required field.") : v;

    private static RgbColor ParseColor(string v, int row)
    {
        string[] p = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 3
            || !byte.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out byte r)
            || !byte.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out byte g)
            || !byte.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out byte b))
        {
            throw new FormatException($"Catalogue row {row + 1}: bad colour '{v}'.");
        }

        return new RgbColor(r, g, b);
    }
}
