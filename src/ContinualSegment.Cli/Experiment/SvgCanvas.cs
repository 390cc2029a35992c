using System.Globalization;
using System.Xml.Linq;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// A minimal SVG writer: a white canvas of a fixed size to which elements are added in drawing order. Attributes with a
/// null value are left out; numbers are written in the invariant culture with at most two decimals.
/// </summary>
public sealed class SvgCanvas
{
    /// <summary>The SVG namespace.</summary>
    public static readonly XNamespace Namespace = "http://www.w3.org/2000/svg";

    private readonly XElement root;

    /// <summary>A canvas of <paramref name="width"/> × <paramref name="height"/> pixels whose accessible title is <paramref name="title"/>.</summary>
    public SvgCanvas(double width, double height, string title)
    {
        root = new XElement(
            Namespace + "svg",
            Attributes([("width", width), ("height", height), ("viewBox", $"0 0 {Format(width)} {Format(height)}"), ("font-family", "sans-serif"), ("font-size", 13)]),
            new XElement(Namespace + "title", title));
        Add("rect", ("x", 0), ("y", 0), ("width", width), ("height", height), ("fill", "white"));
    }

    /// <summary>Adds an empty element, e.g. <c>rect</c>, <c>line</c>, <c>path</c> or <c>circle</c>.</summary>
    public void Add(string element, params (string Name, object? Value)[] attributes)
        => root.Add(new XElement(Namespace + element, Attributes(attributes)));

    /// <summary>Adds a <c>text</c> element holding <paramref name="text"/>.</summary>
    public void Text(string text, params (string Name, object? Value)[] attributes)
        => root.Add(new XElement(Namespace + "text", Attributes(attributes), text));

    /// <summary>The document.</summary>
    public override string ToString() => root.ToString() + "\n";

    /// <summary>A number as SVG wants it: invariant culture, at most two decimals.</summary>
    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static IEnumerable<XAttribute> Attributes(IEnumerable<(string Name, object? Value)> attributes)
        => attributes.Where(a => a.Value is not null).Select(a => new XAttribute(a.Name, a.Value switch
        {
            double d => Format(d),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => Convert.ToString(a.Value, CultureInfo.InvariantCulture)!,
        }));
}
