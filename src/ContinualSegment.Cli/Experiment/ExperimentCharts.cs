using System.Globalization;
using System.Text;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// The report's two pictures as SVG: the final mean Dice per task and method (grouped bars), and the Dice of the first
/// task after each step of the sequential methods (lines). Data elements carry a class (<c>bar</c>, <c>point</c>,
/// <c>line</c>, <c>task-line</c>) and <c>data-*</c> attributes naming what they show.
/// </summary>
public static class ExperimentCharts
{
    private const double Width = 820, Height = 460, Left = 70, Top = 50, Right = 640, Bottom = 380;

    // Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
    private static readonly Dictionary<string, string> Colours = new(StringComparer.Ordinal)
    {
        [ExperimentLayout.Continual] = "#0072B2",
        [ExperimentLayout.Untrimmed] = "#56B4E9",
        [ExperimentLayout.Upper] = "#009E73",
        [ExperimentLayout.Finetune] = "#D55E00",
        [ExperimentLayout.Lwf] = "#CC79A7",
    };

    // Dash patterns of the later tasks' thin lines, by task index.
    private static readonly string[] Dashes = ["none", "6 3", "2 3", "9 3 2 3"];

    /// <summary>The colour of <paramref name="method"/> in both pictures.</summary>
    public static string Colour(string method) => Colours.GetValueOrDefault(method, "#555555");

    /// <summary>Grouped bars: one group per task, one bar per method, the final mean Dice on a 0–1 axis.</summary>
    public static string DiceByMethod(ExperimentResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var svg = new SvgCanvas(Width, Height, "Mean Dice by method and task");
        Title(svg, "Mean Dice per task of the final models");
        DiceAxis(svg, "mean Dice");
        var tasks = ExperimentLayout.Tasks;
        double group = (Right - Left) / tasks.Count;
        double bar = group * 0.8 / results.Methods.Count;
        for (int t = 0; t < tasks.Count; t++)
        {
            double x0 = Left + (t * group) + (group * 0.1);
            for (int m = 0; m < results.Methods.Count; m++)
            {
                MethodResults method = results.Methods[m];
                double x = x0 + (m * bar);
                if (method.Final.GetValueOrDefault(tasks[t])?.Dice is not { } dice)
                {
                    svg.Text("n/a", ("class", "missing"), ("x", x + (bar / 2)), ("y", Bottom - 4), ("font-size", 10), ("text-anchor", "middle"), ("fill", "#777777"));
                    continue;
                }

                double h = Y(0) - Y(dice);
                svg.Add("rect", ("class", "bar"), ("data-method", method.Method), ("data-task", tasks[t]), ("data-value", dice.ToString("R", CultureInfo.InvariantCulture)),
                    ("x", x + 1), ("y", Y(dice)), ("width", bar - 2), ("height", h), ("fill", Colour(method.Method)));
                svg.Text(dice.ToString("0.00", CultureInfo.InvariantCulture), ("x", x + (bar / 2)), ("y", Y(dice) - 3), ("font-size", 10), ("text-anchor", "middle"));
            }

            svg.Text(tasks[t], ("x", x0 + (group * 0.4)), ("y", Bottom + 20), ("text-anchor", "middle"));
        }

        svg.Text("task", ("x", (Left + Right) / 2), ("y", Bottom + 45), ("text-anchor", "middle"));
        for (int m = 0; m < results.Methods.Count; m++)
        {
            double y = Top + 10 + (m * 22);
            string name = results.Methods[m].Method;
            svg.Add("rect", ("class", "legend"), ("x", Right + 25), ("y", y), ("width", 14), ("height", 14), ("fill", Colour(name)));
            svg.Text(name, ("x", Right + 46), ("y", y + 12));
        }

        return svg.ToString();
    }

    /// <summary>
    /// Lines over the steps 1–4: the mean Dice of the first task after each step, one thick line with markers per
    /// sequential method; thin dashed lines (no markers) for the later tasks from the step that learns them (all but the
    /// last task, which has a single point).
    /// </summary>
    public static string Forgetting(ExperimentResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var tasks = ExperimentLayout.Tasks;
        var svg = new SvgCanvas(Width, Height, $"Dice of {tasks[0]} after each step");
        Title(svg, $"Forgetting: Dice of {tasks[0]} after each step");
        DiceAxis(svg, $"mean Dice of {tasks[0]} (thin: later tasks)");
        for (int k = 1; k <= ExperimentLayout.Steps; k++)
        {
            svg.Add("line", ("x1", X(k)), ("y1", Bottom), ("x2", X(k)), ("y2", Bottom + 5), ("stroke", "black"));
            svg.Text(string.Create(CultureInfo.InvariantCulture, $"step {k}"), ("x", X(k)), ("y", Bottom + 20), ("text-anchor", "middle"));
            svg.Text(k == 1 ? tasks[0] : $"+{tasks[k - 1]}", ("x", X(k)), ("y", Bottom + 35), ("text-anchor", "middle"), ("font-size", 11), ("fill", "#555555"));
        }

        svg.Text("step (task learnt)", ("x", (Left + Right) / 2), ("y", Bottom + 58), ("text-anchor", "middle"));
        var sequential = results.Methods.Where(m => m.Forgetting is not null).ToArray();
        foreach (MethodResults m in sequential)
        {
            for (int t = 1; t < tasks.Count - 1; t++)
            {
                int task = t;
                var values = Enumerable.Range(1, ExperimentLayout.Steps).Select(k => k > task ? m.Forgetting!.At(k, tasks[task]) : null).ToArray();
                if (Path(values) is { } later)
                {
                    svg.Add("path", ("class", "task-line"), ("data-method", m.Method), ("data-task", tasks[t]), ("d", later), ("fill", "none"),
                        ("stroke", Colour(m.Method)), ("stroke-width", 1.2), ("stroke-opacity", 0.5), ("stroke-dasharray", Dashes[t % Dashes.Length]));
                }
            }
        }

        foreach (MethodResults m in sequential)
        {
            var values = Enumerable.Range(1, ExperimentLayout.Steps).Select(k => m.Forgetting!.At(k, tasks[0])).ToArray();
            if (Path(values) is { } line)
            {
                svg.Add("path", ("class", "line"), ("data-method", m.Method), ("data-task", tasks[0]), ("d", line), ("fill", "none"), ("stroke", Colour(m.Method)), ("stroke-width", 2.5));
            }

            for (int k = 1; k <= values.Length; k++)
            {
                if (values[k - 1] is { } v)
                {
                    svg.Add("circle", ("class", "point"), ("data-method", m.Method), ("data-step", k), ("data-value", v.ToString("R", CultureInfo.InvariantCulture)),
                        ("cx", X(k)), ("cy", Y(v)), ("r", 4), ("fill", Colour(m.Method)));
                }
            }
        }

        double ly = Top + 10;
        foreach (MethodResults m in sequential)
        {
            svg.Add("line", ("class", "legend"), ("x1", Right + 25), ("y1", ly + 7), ("x2", Right + 45), ("y2", ly + 7), ("stroke", Colour(m.Method)), ("stroke-width", 2.5));
            svg.Text(m.Method, ("x", Right + 52), ("y", ly + 12));
            ly += 22;
        }

        ly += 10;
        for (int t = 1; t < tasks.Count - 1; t++)
        {
            svg.Add("line", ("class", "legend"), ("x1", Right + 25), ("y1", ly + 7), ("x2", Right + 45), ("y2", ly + 7), ("stroke", "#555555"), ("stroke-width", 1.2), ("stroke-dasharray", Dashes[t % Dashes.Length]));
            svg.Text(tasks[t], ("x", Right + 52), ("y", ly + 12), ("font-size", 11));
            ly += 20;
        }

        return svg.ToString();
    }

    private static void Title(SvgCanvas svg, string title)
        => svg.Text(title, ("x", (Left + Right) / 2), ("y", Top - 22), ("text-anchor", "middle"), ("font-size", 16), ("font-weight", "bold"));

    // The 0–1 Dice axis: a gridline and label every 0.1, the axes, the axis title.
    private static void DiceAxis(SvgCanvas svg, string label)
    {
        for (int i = 0; i <= 10; i++)
        {
            double v = i / 10.0;
            svg.Add("line", ("class", "grid"), ("x1", Left), ("y1", Y(v)), ("x2", Right), ("y2", Y(v)), ("stroke", "#dddddd"));
            svg.Text(v.ToString("0.0", CultureInfo.InvariantCulture), ("x", Left - 8), ("y", Y(v) + 4), ("text-anchor", "end"), ("font-size", 11));
        }

        svg.Add("line", ("x1", Left), ("y1", Top), ("x2", Left), ("y2", Bottom), ("stroke", "black"));
        svg.Add("line", ("x1", Left), ("y1", Bottom), ("x2", Right), ("y2", Bottom), ("stroke", "black"));
        double mid = (Top + Bottom) / 2;
        svg.Text(label, ("x", 22), ("y", mid), ("text-anchor", "middle"), ("transform", $"rotate(-90 22 {SvgCanvas.Format(mid)})"));
    }

    // A path through the defined values at steps 1, 2, …; a missing value breaks the line. Null when nothing is defined.
    private static string? Path(double?[] values)
    {
        var d = new StringBuilder();
        bool drawing = false;
        for (int k = 1; k <= values.Length; k++)
        {
            if (values[k - 1] is not { } v)
            {
                drawing = false;
                continue;
            }

            d.Append(d.Length == 0 ? string.Empty : " ").Append(drawing ? 'L' : 'M').Append(SvgCanvas.Format(X(k))).Append(',').Append(SvgCanvas.Format(Y(v)));
            drawing = true;
        }

        return d.Length == 0 ? null : d.ToString();
    }

    private static double X(int step) => Left + 40 + ((step - 1) * (Right - Left - 80) / (ExperimentLayout.Steps - 1));

    private static double Y(double dice) => Bottom - (Math.Clamp(dice, 0, 1) * (Bottom - Top));
}
