using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Packages;

/// <summary>The codes the structure catalogue assigns to one structure name.</summary>
/// <param name="Category">Segmented property category.</param>
/// <param name="Type">Segmented property type.</param>
/// <param name="Laterality">Laterality modifier, when the structure has one.</param>
public sealed record CatalogueCodes(CodedConcept Category, CodedConcept Type, CodedConcept? Laterality);
