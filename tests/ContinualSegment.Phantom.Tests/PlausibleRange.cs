using System.Globalization;
using System.Text.RegularExpressions;

namespace ContinualSegment.Phantom.Tests;

/// <summary>A row of plausible-structures.csv.</summary>
public sealed record PlausibleRange(Regex Pattern, double MinCm3, double MaxCm3, double MinHu, double MaxHu)
{
    public static IReadOnlyList<PlausibleRange> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "plausible-structures.csv");
        var rows = new List<PlausibleRange>();
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("pattern,", StringComparison.Ordinal))
            {
                continue;
            }

            string[] f = line.Split(',');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            rows.Add(new PlausibleRange(new Regex(f[0], RegexOptions.CultureInvariant), D(1), D(2), D(3), D(4)));
        }

        return rows;
    }
}
