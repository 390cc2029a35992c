using System.Globalization;
using System.Text;
using ContinualSegment.Cli.Experiment;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Cli.Training;

/// <summary>
/// A training run's learning curve, rewritten after every epoch: <c>learning-curve.csv</c> (epoch, training loss,
/// validation Dice, learning rate) and <c>learning-curve.svg</c> (loss and validation Dice against the epoch, over the
/// whole planned run so that the part still to come shows as empty room).
/// </summary>
public static class LearningCurve
{
    /// <summary>The table's file name.</summary>
    public const string CsvFileName = "learning-curve.csv";

    /// <summary>The picture's file name.</summary>
    public const string SvgFileName = "learning-curve.svg";

    private const double Width = 760, Height = 420, Left = 70, Right = 690, Top = 50, Bottom = 360;

    /// <summary>Writes both files into <paramref name="directory"/> (created when missing), each replaced whole (a reader never sees half a file).</summary>
    public static void Write(string directory, IReadOnlyList<EpochReport> history, int totalEpochs, string title)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(history);
        Directory.CreateDirectory(directory);
        Replace(Path.Combine(directory, CsvFileName), Csv(history));
        Replace(Path.Combine(directory, SvgFileName), Svg(history, totalEpochs, title));
    }

    /// <summary>The table: a header line, then one line per epoch (invariant culture; an epoch without validation has an empty Dice).</summary>
    public static string Csv(IReadOnlyList<EpochReport> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var sb = new StringBuilder("epoch,training_loss,validation_dice,learning_rate\n");
        foreach (var r in history)
        {
            var dice = double.IsNaN(r.ValidationDice) ? string.Empty : r.ValidationDice.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{r.Epoch},{r.TrainingLoss:R},{dice},{r.LearningRate:R}\n");
        }

        return sb.ToString();
    }

    /// <summary>The picture: loss on the left axis (0 to the largest loss), validation Dice on the right (0–1).</summary>
    public static string Svg(IReadOnlyList<EpochReport> history, int totalEpochs, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        var epochs = Math.Max(Math.Max(totalEpochs, 1), history.Count == 0 ? 1 : history.Max(r => r.Epoch));
        var maxLoss = history.Where(r => double.IsFinite(r.TrainingLoss)).Select(r => r.TrainingLoss).DefaultIfEmpty(1).Max();
        maxLoss = maxLoss > 0 ? maxLoss : 1;
        double X(double epoch) => Left + ((Right - Left) * epoch / epochs);
        double YLoss(double loss) => Bottom - ((Bottom - Top) * Math.Clamp(loss / maxLoss, 0, 1));
        double YDice(double dice) => Bottom - ((Bottom - Top) * Math.Clamp(dice, 0, 1));

        var svg = new SvgCanvas(Width, Height, title);
        svg.Text(title, ("x", (Left + Right) / 2), ("y", Top - 22), ("text-anchor", "middle"), ("font-size", 15), ("font-weight", "bold"));
        for (var i = 0; i <= 10; i++)
        {
            var v = i / 10.0;
            svg.Add("line", ("class", "grid"), ("x1", Left), ("y1", YDice(v)), ("x2", Right), ("y2", YDice(v)), ("stroke", "#e4e4e4"));
            svg.Text(v.ToString("0.0", CultureInfo.InvariantCulture), ("x", Right + 8), ("y", YDice(v) + 4), ("font-size", 11), ("fill", "#1f6fb4"));
            svg.Text((v * maxLoss).ToString("0.###", CultureInfo.InvariantCulture), ("x", Left - 8), ("y", YDice(v) + 4), ("text-anchor", "end"), ("font-size", 11), ("fill", "#c0392b"));
        }

        svg.Add("line", ("x1", Left), ("y1", Top), ("x2", Left), ("y2", Bottom), ("stroke", "black"));
        svg.Add("line", ("x1", Right), ("y1", Top), ("x2", Right), ("y2", Bottom), ("stroke", "black"));
        svg.Add("line", ("x1", Left), ("y1", Bottom), ("x2", Right), ("y2", Bottom), ("stroke", "black"));
        var step = Math.Max(1, (int)Math.Ceiling(epochs / 10.0));
        for (var e = 0; e <= epochs; e += step)
        {
            svg.Text(e.ToString(CultureInfo.InvariantCulture), ("x", X(e)), ("y", Bottom + 18), ("text-anchor", "middle"), ("font-size", 11));
        }

        svg.Text(string.Create(CultureInfo.InvariantCulture, $"epoch ({history.Count} of {epochs} done)"), ("x", (Left + Right) / 2), ("y", Bottom + 40), ("text-anchor", "middle"));
        svg.Text("training loss", ("x", 18), ("y", (Top + Bottom) / 2), ("text-anchor", "middle"), ("fill", "#c0392b"), ("transform", string.Create(CultureInfo.InvariantCulture, $"rotate(-90 18 {(Top + Bottom) / 2})")));
        svg.Text("validation Dice", ("x", Width - 18), ("y", (Top + Bottom) / 2), ("text-anchor", "middle"), ("fill", "#1f6fb4"), ("transform", string.Create(CultureInfo.InvariantCulture, $"rotate(90 {Width - 18} {(Top + Bottom) / 2})")));

        var loss = history.Where(r => double.IsFinite(r.TrainingLoss)).Select(r => (X(r.Epoch), YLoss(r.TrainingLoss))).ToArray();
        var dice = history.Where(r => double.IsFinite(r.ValidationDice)).Select(r => (X(r.Epoch), YDice(r.ValidationDice))).ToArray();
        if (Polyline(loss) is { } lossPath)
        {
            svg.Add("path", ("class", "loss"), ("d", lossPath), ("fill", "none"), ("stroke", "#c0392b"), ("stroke-width", 2));
        }

        if (Polyline(dice) is { } dicePath)
        {
            svg.Add("path", ("class", "dice"), ("d", dicePath), ("fill", "none"), ("stroke", "#1f6fb4"), ("stroke-width", 2));
        }

        foreach (var r in history.Where(r => double.IsFinite(r.ValidationDice)))
        {
            svg.Add("circle", ("class", "dice-point"), ("data-epoch", r.Epoch), ("data-value", r.ValidationDice.ToString("R", CultureInfo.InvariantCulture)), ("cx", X(r.Epoch)), ("cy", YDice(r.ValidationDice)), ("r", 2.5), ("fill", "#1f6fb4"));
        }

        return svg.ToString();
    }

    private static string? Polyline((double X, double Y)[] points)
    {
        if (points.Length == 0)
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < points.Length; i++)
        {
            sb.Append(i == 0 ? 'M' : 'L').Append(SvgCanvas.Format(points[i].X)).Append(' ').Append(SvgCanvas.Format(points[i].Y)).Append(' ');
        }

        return sb.ToString().TrimEnd();
    }

    private static void Replace(string path, string text)
    {
        var temporary = path + ".part";
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }
}
