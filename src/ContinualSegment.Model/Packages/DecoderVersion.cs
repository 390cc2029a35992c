using System.Globalization;
using System.Text.RegularExpressions;

namespace ContinualSegment.Model.Packages;

/// <summary>Semantic-version strings (<c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>): validation and ordering.</summary>
internal static partial class DecoderVersion
{
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pattern();

    /// <summary>True when <paramref name="version"/> is a valid version string of at most 64 characters.</summary>
    public static bool IsValid(string? version) => version is not null && version.Length <= 64 && Pattern().IsMatch(version);

    /// <summary>Orders two valid versions by SemVer precedence (build metadata ignored).</summary>
    public static int Compare(string a, string b)
    {
        var ma = Pattern().Match(a);
        var mb = Pattern().Match(b);
        if (!ma.Success || !mb.Success)
        {
            throw new ArgumentException($"'{(ma.Success ? b : a)}' is not a valid version");
        }

        for (var i = 1; i <= 3; i++)
        {
            var c = long.Parse(ma.Groups[i].Value, CultureInfo.InvariantCulture).CompareTo(long.Parse(mb.Groups[i].Value, CultureInfo.InvariantCulture));
            if (c != 0)
            {
                return c;
            }
        }

        var pa = ma.Groups[4].Success ? ma.Groups[4].Value : null;
        var pb = mb.Groups[4].Success ? mb.Groups[4].Value : null;
        if (pa is null || pb is null)
        {
            return pa is null ? (pb is null ? 0 : 1) : -1;
        }

        var sa = pa.Split('.');
        var sb = pb.Split('.');
        for (var i = 0; i < Math.Min(sa.Length, sb.Length); i++)
        {
            var na = long.TryParse(sa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var va);
            var nb = long.TryParse(sb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var vb);
            var c = (na, nb) switch
            {
                (true, true) => va.CompareTo(vb),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(sa[i], sb[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return sa.Length.CompareTo(sb.Length);
    }
}
