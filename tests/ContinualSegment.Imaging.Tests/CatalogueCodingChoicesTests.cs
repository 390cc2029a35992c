namespace ContinualSegment.Imaging.Tests;

/// <summary>The coding choices the conformance statement names (section 7), fixed here.</summary>
public sealed class CatalogueCodingChoicesTests
{
    private readonly StructureCatalogue catalogue = StructureCatalogue.LoadDefault();

    [Fact]
    public void Anatomical_structures_use_category_123037004_and_lesions_49755003()
    {
        Assert.All(catalogue.Structures.Where(s => !s.IsLesion), s => Assert.Equal(new CodedConcept("123037004", "SCT", "Anatomical Structure"), s.Category));
        Assert.All(catalogue.Structures.Where(s => s.IsLesion), s => Assert.Equal("49755003", s.Category.Code));
        Assert.Equal(140, catalogue.Structures.Count(s => !s.IsLesion));
    }

    [Theory]
    [InlineData("eye_left", "1290031003")]
    [InlineData("eye_right", "1290032005")]
    [InlineData("eye_lens_left", "88258005")]
    [InlineData("eye_lens_right", "72345007")]
    public void Eyes_and_lenses_use_lateral_codes_without_a_modifier(string name, string code)
    {
        var s = catalogue[name];
        Assert.Equal(code, s.Type.Code);
        Assert.Null(s.Laterality);
    }

    [Theory]
    [InlineData("brainstem", "15926001", null)]
    [InlineData("submandibular_gland_left", "54019009", "7771000")]
    [InlineData("submandibular_gland_right", "54019009", "24028007")]
    [InlineData("lips", "48477009", null)]
    [InlineData("main_bronchus_left", "102297006", "7771000")]
    [InlineData("main_bronchus_right", "102297006", "24028007")]
    public void Disputed_codes_are_settled_as_the_conformance_statement_says(string name, string code, string? laterality)
    {
        var s = catalogue[name];
        Assert.Equal(code, s.Type.Code);
        Assert.Equal(laterality, s.Laterality?.Code);
    }

    [Fact]
    public void Paired_structures_with_a_generic_type_carry_a_laterality_modifier()
    {
        var generic = catalogue.Structures
            .Where(s => s.Name.EndsWith("_left", StringComparison.Ordinal) || s.Name.EndsWith("_right", StringComparison.Ordinal))
            .GroupBy(s => s.Type.Code)
            .Where(g => g.Count() > 1)
            .SelectMany(g => g);

        Assert.All(generic, s => Assert.NotNull(s.Laterality));
    }
}
