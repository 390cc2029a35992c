namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// The forgetting matrix of a sequential method: the mean Dice of each task after each step. Row k − 1 is the model
/// after step k, column t the task <see cref="ExperimentLayout.Tasks"/>[t]; a cell is null when the task is not learnt
/// yet (t ≥ k) or its evaluation is missing.
/// </summary>
/// <param name="Method">The sequential method.</param>
/// <param name="Dice">Mean Dice by step (rows) and task (columns).</param>
public sealed record ForgettingMatrix(string Method, IReadOnlyList<IReadOnlyList<double?>> Dice)
{
    /// <summary>The mean Dice of <paramref name="task"/> after step <paramref name="step"/> (1-based).</summary>
    public double? At(int step, string task)
    {
        int t = Array.IndexOf([.. ExperimentLayout.Tasks], task);
        return step < 1 || step > Dice.Count || t < 0 ? null : Dice[step - 1][t];
    }
}
