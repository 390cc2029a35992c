namespace ContinualSegment.Imaging;

/// <summary>
/// The catalogue structure behind each value present in a label map — task-local labels when a task is
/// given, catalogue indices (1–143) otherwise — and, for each organ, the present lesions that lie in it.
/// One place for the rule that an organ's segment or ROI is the organ plus its lesions.
/// </summary>
public sealed class LabelTable
{
    private readonly SortedDictionary<ushort, StructureInfo> byValue;

    private LabelTable(SortedDictionary<ushort, StructureInfo> byValue) => this.byValue = byValue;

    /// <summary>Present values in ascending order, with their structures.</summary>
    public IReadOnlyDictionary<ushort, StructureInfo> Structures => byValue;

    /// <summary>Maps every non-zero value of <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">A value is no structure of the catalogue (or task).</exception>
    public static LabelTable FromLabelMap(Volume<ushort> labels, StructureCatalogue catalogue, string? task = null)
        => FromLabelMap(labels, null, catalogue, task);

    /// <summary>
    /// Maps every non-zero value of <paramref name="labels"/> and every structure <paramref name="overlaps"/> hides
    /// beneath it (a structure can be present only there, e.g. a brain the brainstem covers on every slice it shows).
    /// </summary>
    /// <exception cref="ArgumentException">A value is no structure of the catalogue (or task).</exception>
    public static LabelTable FromLabelMap(Volume<ushort> labels, StructureOverlaps? overlaps, StructureCatalogue catalogue, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(catalogue);
        // Labels come in runs (background, organs): each run is found with one vectorised search.
        var present = new bool[ushort.MaxValue + 1];
        ReadOnlySpan<ushort> data = labels.Data;
        for (var i = 0; i < data.Length;)
        {
            var v = data[i];
            present[v] = true;
            var run = data[i..].IndexOfAnyExcept(v);
            i = run < 0 ? data.Length : i + run;
        }

        foreach (var value in overlaps?.Hidden.Keys ?? Enumerable.Empty<ushort>())
        {
            present[value] = true;
        }

        var byValue = new SortedDictionary<ushort, StructureInfo>();
        for (var v = 1; v <= ushort.MaxValue; v++)
        {
            if (!present[v])
            {
                continue;
            }

            try
            {
                byValue.Add((ushort)v, task is null ? catalogue.ByGlobalIndex(v) : catalogue.ByTaskLabel(task, v));
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or KeyNotFoundException)
            {
                throw new ArgumentException($"Label map value {v} is not a structure of {(task is null ? "the catalogue" : $"task '{task}'")}.", nameof(labels), e);
            }
        }

        return new LabelTable(byValue);
    }

    /// <summary>Values of the present lesions whose host is the structure with value <paramref name="value"/>.</summary>
    public IReadOnlyList<ushort> LesionsIn(ushort value)
    {
        var host = byValue[value].Name;
        return [.. byValue.Where(l => l.Value.Hosts.Contains(host, StringComparer.Ordinal)).Select(static l => l.Key)];
    }
}
