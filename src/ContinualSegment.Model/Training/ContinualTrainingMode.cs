namespace ContinualSegment.Model.Training;

/// <summary>How a continual step (a new task's decoder added to a trained model) trains.</summary>
public enum ContinualTrainingMode
{
    /// <summary>
    /// The method: only the new decoder is trained, on the frozen encoder; the encoder and the earlier decoders are not
    /// touched, so they forget nothing.
    /// </summary>
    Continual,

    /// <summary>
    /// Naive sequential fine-tuning (a baseline): the encoder is trained together with the new decoder on the new task
    /// alone; the earlier decoders keep their weights but now sit on a changed encoder.
    /// </summary>
    Finetune,

    /// <summary>
    /// Learning without Forgetting (Li and Hoiem, 2016; a baseline): as <see cref="Finetune"/>, and every earlier decoder
    /// is trained too, to keep its outputs on the new task's patches close to those of the model before the step
    /// (knowledge distillation, <see cref="LwfDistillation"/>).
    /// </summary>
    Lwf,
}
