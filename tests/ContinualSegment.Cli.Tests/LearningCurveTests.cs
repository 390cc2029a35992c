using System.Globalization;
using System.Xml.Linq;
using ContinualSegment.Cli.Training;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Cli.Tests;

public sealed class LearningCurveTests
{
    private static readonly EpochReport[] History =
    [
        new(1, 2.0, double.NaN, 0.01),
        new(2, 1.0, 0.25, 0.009),
        new(3, 0.5, 0.75, 0.008),
    ];

    [Fact]
    public void The_table_has_a_row_per_epoch_and_leaves_a_missing_validation_empty()
    {
        var lines = LearningCurve.Csv(History).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.Equal("1,2,,0.01", lines[1]);
        Assert.Equal("3,0.5,0.75,0.008", lines[3]);
    }

    [Fact]
    public void The_picture_scales_dice_to_the_axis_and_leaves_room_for_the_epochs_still_to_come()
    {
        var svg = XDocument.Parse(LearningCurve.Svg(History, 6, "run"));

        var points = svg.Descendants().Where(e => (string?)e.Attribute("class") == "dice-point").ToArray();
        Assert.Equal(["2", "3"], points.Select(p => (string)p.Attribute("data-epoch")!));
        double Number(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

        // The axes: the left one spans top to bottom, the bottom one left to right.
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "line" && e.Attribute("class") is null).ToArray();
        var yAxis = lines.First(l => Number(l, "x1") == Number(l, "x2"));
        var xAxis = lines.First(l => Number(l, "y1") == Number(l, "y2"));
        double top = Number(yAxis, "y1"), bottom = Number(yAxis, "y2"), left = Number(xAxis, "x1"), right = Number(xAxis, "x2");

        // Dice 0.25 a quarter of the way up, 0.75 three quarters; epoch 3 of 6 half way across.
        Assert.Equal(bottom - ((bottom - top) * 0.25), Number(points[0], "cy"), 1);
        Assert.Equal(bottom - ((bottom - top) * 0.75), Number(points[1], "cy"), 1);
        Assert.Equal(left + ((right - left) / 2), Number(points[1], "cx"), 1);
        Assert.Contains("epoch (3 of 6 done)", svg.ToString(), StringComparison.Ordinal);
        Assert.Single(svg.Descendants(), e => (string?)e.Attribute("class") == "loss");
    }

    [Fact]
    public void Writing_replaces_both_files_whole()
    {
        var dir = Directory.CreateTempSubdirectory("cseg-curve-");
        try
        {
            LearningCurve.Write(dir.FullName, History[..1], 3, "run");
            LearningCurve.Write(dir.FullName, History, 3, "run");

            Assert.Equal(4, File.ReadAllLines(Path.Combine(dir.FullName, LearningCurve.CsvFileName)).Length);
            Assert.Equal(["learning-curve.csv", "learning-curve.svg"], dir.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
