using System.Globalization;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// Reads the structure catalogue CSV (<c>catalogue/organs-143.csv</c>: task, label, name,
/// display_name, tg263_name, category_code/scheme/meaning, type_code/scheme/meaning,
/// laterality_code/meaning, rgb, overlaps) into codes by name. Plain comma-separated values without
/// quoting, as that file is written; laterality codes are SNOMED CT.
/// </summary>
public static class CatalogueCsv
{
    private const long MaxBytes = 16 * 1024 * 1024;

    private static readonly string[] Columns =
    [
        "task", "label", "name", "display_name", "tg263_name", "category_code", "category_scheme", "category_meaning",
        "type_code", "type_scheme", "type_meaning", "laterality_code", "laterality_meaning", "rgb", "overlaps",
    ];

    public static async Task<IReadOnlyDictionary<string, CatalogueCodes>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"catalogue '{path}' does not exist", path);
        }

        if (info.Length > MaxBytes)
        {
            throw new InvalidDataException($"catalogue '{path}' is larger than {MaxBytes} bytes");
        }

        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(lines, path);
    }

    public static IReadOnlyDictionary<string, CatalogueCodes> Parse(IReadOnlyList<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0 || !lines[0].TrimEnd('\r').Split(',').SequenceEqual(Columns, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"catalogue '{source}' must start with the header {string.Join(',', Columns)}");
        }

        var result = new Dictionary<string, CatalogueCodes>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"catalogue '{source}' line {i + 1}");
            if (line.Contains('"', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{where}: quoted fields are not supported");
            }

            var f = line.Split(',');
            if (f.Length != Columns.Length)
            {
                throw new InvalidDataException($"{where}: {f.Length} fields, expected {Columns.Length}");
            }

            var name = f[2];
            if (name.Length == 0 || f[5].Length == 0 || f[6].Length == 0 || f[8].Length == 0 || f[9].Length == 0)
            {
                throw new InvalidDataException($"{where}: name, category and type codes are required");
            }

            var laterality = f[11].Length == 0 ? null : new CodedConcept(f[11], "SCT", f[12]);
            var codes = new CatalogueCodes(new CodedConcept(f[5], f[6], f[7]), new CodedConcept(f[8], f[9], f[10]), laterality);
            if (!result.TryAdd(name, codes))
            {
                throw new InvalidDataException($"{where}: name '{name}' appears twice");
            }
        }

        return result;
    }
}
