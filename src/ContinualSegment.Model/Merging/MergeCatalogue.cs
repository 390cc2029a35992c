using System.Globalization;

namespace ContinualSegment.Model.Merging;

/// <summary>
/// The catalogue facts merging uses, and the precedence table derived from them: in a single label
/// map lesions are on top (<see cref="LesionPrecedence"/>), then structures by nesting depth (an
/// inner structure above the one containing it), then the rest (precedence 0).
/// </summary>
public sealed class MergeCatalogue
{
    /// <summary>Precedence of every lesion.</summary>
    public const int LesionPrecedence = 1000;

    /// <summary>The catalogue file is refused above this size.</summary>
    public const long MaxCsvBytes = 1024 * 1024;

    private readonly Dictionary<string, CatalogueStructure> byName;
    private readonly Dictionary<string, int> precedence;

    /// <summary>Creates the catalogue from its structures and a nesting table (inner → outer; default <see cref="StructureNesting.Default"/>).</summary>
    public MergeCatalogue(IEnumerable<CatalogueStructure> structures, IReadOnlyDictionary<string, string>? nesting = null)
    {
        ArgumentNullException.ThrowIfNull(structures);
        Structures = structures.OrderBy(s => s.GlobalIndex).ToArray();
        byName = new Dictionary<string, CatalogueStructure>(StringComparer.Ordinal);
        foreach (var s in Structures)
        {
            if (s.GlobalIndex is < 1 or > 255)
            {
                throw new ArgumentException($"structure '{s.Name}' has global index {s.GlobalIndex}; merged label maps hold 1..255", nameof(structures));
            }

            if (!byName.TryAdd(s.Name, s))
            {
                throw new ArgumentException($"structure '{s.Name}' is listed twice", nameof(structures));
            }
        }

        if (Structures.Select(s => s.GlobalIndex).Distinct().Count() != Structures.Count)
        {
            throw new ArgumentException("global indices are not unique", nameof(structures));
        }

        foreach (var s in Structures)
        {
            foreach (var host in s.HostOrgans)
            {
                if (!byName.ContainsKey(host))
                {
                    throw new ArgumentException($"lesion '{s.Name}' names host organ '{host}', which is not in the catalogue", nameof(structures));
                }
            }
        }

        Nesting = nesting ?? StructureNesting.Default;
        precedence = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in Structures)
        {
            precedence[s.Name] = s.IsLesion ? LesionPrecedence : Depth(s.Name);
        }
    }

    /// <summary>All structures, by global index.</summary>
    public IReadOnlyList<CatalogueStructure> Structures { get; }

    /// <summary>The nesting table in use (inner → outer).</summary>
    public IReadOnlyDictionary<string, string> Nesting { get; }

    /// <summary>Reads the catalogue CSV (columns task, label, name, …, overlaps); the global index is the data row number.</summary>
    public static MergeCatalogue LoadCsv(string path, IReadOnlyDictionary<string, string>? nesting = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"catalogue not found: {path}", path);
        }

        if (info.Length > MaxCsvBytes)
        {
            throw new InvalidDataException($"catalogue {path} is {info.Length} bytes; the limit is {MaxCsvBytes}");
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2)
        {
            throw new InvalidDataException($"catalogue {path} has no rows");
        }

        var header = lines[0].Split(',');
        int Column(string name)
        {
            var i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw new InvalidDataException($"catalogue {path} has no '{name}' column");
        }

        var (task, label, nameColumn, overlaps) = (Column("task"), Column("label"), Column("name"), Column("overlaps"));
        var structures = new List<CatalogueStructure>(lines.Length - 1);
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = lines[row].Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"catalogue {path} line {row + 1} has {cells.Length} cells, expected {header.Length}");
            }

            if (!int.TryParse(cells[label], NumberStyles.None, CultureInfo.InvariantCulture, out var taskLabel))
            {
                throw new InvalidDataException($"catalogue {path} line {row + 1}: label '{cells[label]}' is not a number");
            }

            var hosts = cells[overlaps].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            structures.Add(new CatalogueStructure(row, cells[nameColumn], cells[task], taskLabel, hosts));
        }

        return new MergeCatalogue(structures, nesting);
    }

    /// <summary>The structure called <paramref name="name"/>, or null.</summary>
    public CatalogueStructure? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>Label-map precedence of <paramref name="name"/> (higher is drawn on top).</summary>
    public int Precedence(string name) => precedence.TryGetValue(name, out var p) ? p : 0;

    private int Depth(string name)
    {
        var depth = 0;
        var current = name;
        while (Nesting.TryGetValue(current, out var outer))
        {
            depth++;
            current = outer;
            if (depth > 64)
            {
                throw new ArgumentException($"the nesting table has a cycle through '{name}'");
            }
        }

        return depth;
    }
}
