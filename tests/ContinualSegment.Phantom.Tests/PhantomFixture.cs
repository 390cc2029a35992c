using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Tests;

/// <summary>One small case per task, generated once for the whole test class.</summary>
public sealed class PhantomFixture
{
    public PhantomFixture()
    {
        Catalogue = StructureCatalogue.LoadDefault();
        Cases = new Dictionary<string, PhantomCase>(StringComparer.Ordinal)
        {
            ["wholebody"] = Generate("wholebody", 128, 3.0),
            ["chest"] = Generate("chest", 160, 2.5),
            ["headneck"] = Generate("headneck", 160, 2.5),
            ["pathology"] = Generate("pathology", 128, 3.0),
        };
    }

    public StructureCatalogue Catalogue { get; }

    public IReadOnlyDictionary<string, PhantomCase> Cases { get; }

    private PhantomCase Generate(string task, int size, double dz) =>
        new PhantomGenerator(Catalogue, new PhantomGeneratorOptions { InPlaneSize = size, SliceSpacingMm = dz }).Generate(task, seed: 7, caseIndex: 0);
}
