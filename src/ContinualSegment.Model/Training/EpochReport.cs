namespace ContinualSegment.Model.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Mean Dice+CE loss over the epoch's steps.</param>
/// <param name="ValidationDice">Mean foreground Dice on the validation patches (NaN without validation data).</param>
/// <param name="LearningRate">The learning rate used in the epoch.</param>
public sealed record EpochReport(int Epoch, double TrainingLoss, double ValidationDice, double LearningRate);
