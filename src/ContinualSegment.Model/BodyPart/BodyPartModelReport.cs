using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.BodyPart;

/// <summary>What <see cref="BodyPartModelBuilder.TrainAsync"/> did.</summary>
/// <param name="Plan">The plan as written (with its <c>bodyPart</c> section and the new ranges).</param>
/// <param name="Volumes">CT volumes trained on.</param>
/// <param name="Losses">Training loss per step.</param>
/// <param name="Ranges">The range recorded per decoder id.</param>
/// <param name="Untouched">Decoders whose task no dataset has (their ranges are kept).</param>
public sealed record BodyPartModelReport(ModelPlan Plan, int Volumes, IReadOnlyList<double> Losses, IReadOnlyDictionary<string, BodyPartRange> Ranges, IReadOnlyList<string> Untouched);
