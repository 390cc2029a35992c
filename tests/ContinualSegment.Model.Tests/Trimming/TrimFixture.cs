using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using TorchSharp;

namespace ContinualSegment.Model.Tests.Trimming;

/// <summary>
/// A briefly trained teacher shared by the trimming tests: the tiny encoder with a wide decoder
/// (ConvPair ×2 at both stages) on the easy single-box task.
/// </summary>
public sealed class TrimFixture : IDisposable
{
    public TrimFixture()
    {
        torch.manual_seed(41);
        var genotype = new DecoderGenotype
        {
            Stages = [new DecoderStageGene { WidthMultiplier = 2 }, new DecoderStageGene { WidthMultiplier = 2 }],
        };
        Plan = TinyPlans.Plan(TinyPlans.Decoder("dark", "chest", ["dark_box"], genotype));
        Bank = new DecoderBank(Plan);
        Training = SyntheticShapes.Make(6, 16, taskB: true, seed: 11);
        Validation = SyntheticShapes.Make(3, 16, taskB: true, seed: 12);
        // A teacher that segments nothing would let any student pass the Dice rule: it must have learnt the box.
        new Trainer(new TrainingOptions { Epochs = 12, BatchSize = 2, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, Seed = 13 })
            .TrainBase(Bank, "dark", Training);
        Bank.eval();
        TeacherDice = Trainer.Evaluate(Bank, "dark", Validation);
        if (!(TeacherDice >= 0.5))
        {
            throw new InvalidOperationException($"the trimming tests' teacher did not learn (validation Dice {TeacherDice:F4})");
        }
    }

    public ModelPlan Plan { get; }

    /// <summary>The teacher's Dice on <see cref="Validation"/>.</summary>
    public double TeacherDice { get; }

    public DecoderBank Bank { get; }

    public List<TrainingSample> Training { get; }

    public List<TrainingSample> Validation { get; }

    public void Dispose()
    {
        Bank.Dispose();
        foreach (var s in Training.Concat(Validation))
        {
            s.Image.Dispose();
            s.Labels.Dispose();
        }
    }
}
