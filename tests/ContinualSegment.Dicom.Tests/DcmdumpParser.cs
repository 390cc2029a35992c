using System.Globalization;
using System.Text.RegularExpressions;

namespace ContinualSegment.Dicom.Tests;

/// <summary>A node of a dcmdump listing: an element with its items (for SQ) or fragment count (pixel sequences).</summary>
internal sealed class DumpNode
{
    public DicomTag Tag { get; init; }

    public string VR { get; init; } = string.Empty;

    public string Value { get; init; } = string.Empty;

    public List<List<DumpNode>> Items { get; } = [];

    public int Fragments { get; set; }
}

/// <summary>Parses dcmdump's text output into a tree (indentation gives the nesting).</summary>
internal static partial class DcmdumpParser
{
    [GeneratedRegex(@"^( *)\(([0-9a-fA-F]{4}),([0-9a-fA-F]{4})\) (\S\S) (.*?) +# *([^,]+), *(\d+) (.*)$", RegexOptions.Singleline)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^( *)\(([0-9a-fA-F]{4}),([0-9a-fA-F]{4})\) [A-Za-z][A-Za-z] [\[]")]
    private static partial Regex StartPattern();

    public static List<DumpNode> Parse(string output)
    {
        var root = new List<DumpNode>();
        // Stack of (depth, list) for where elements at a depth go.
        var lists = new Dictionary<int, List<DumpNode>> { [0] = root };
        var lastAtDepth = new Dictionary<int, DumpNode>();
        string? pending = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending is not null)
            {
                // A text value with line breaks continues on the next lines.
                line = pending + "\n" + line;
                pending = null;
            }

            var m = LinePattern().Match(line);
            if (!m.Success)
            {
                if (StartPattern().IsMatch(line) && line.Length < 100_000)
                {
                    pending = line;
                }

                continue;
            }

            var depth = m.Groups[1].Value.Length / 2;
            var tag = new DicomTag(
                ushort.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ushort.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var vr = m.Groups[4].Value;
            if (tag.Group == 0xFFFE)
            {
                if (tag.Element == 0xE000 && lastAtDepth.TryGetValue(depth - 1, out var parent))
                {
                    if (vr == "pi")
                    {
                        parent.Fragments++;
                    }
                    else
                    {
                        var item = new List<DumpNode>();
                        parent.Items.Add(item);
                        lists[depth + 1] = item;
                    }
                }

                continue;
            }

            if (!lists.TryGetValue(depth, out var target))
            {
                continue;
            }

            var node = new DumpNode { Tag = tag, VR = vr, Value = m.Groups[5].Value.TrimEnd() };
            target.Add(node);
            lastAtDepth[depth] = node;
        }

        return root;
    }
}
