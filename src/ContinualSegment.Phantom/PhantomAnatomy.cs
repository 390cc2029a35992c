using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom;

/// <summary>
/// The solids of one subject in painter's order, the nesting of structures (a child's voxels count as
/// its parent's in the parent's task), and the CT number of every structure-map id.
/// </summary>
internal sealed class PhantomAnatomy
{
    public PhantomAnatomy(List<AnatomyPart> parts, ushort[] parent, float[] hu, StructureCatalogue catalogue)
    {
        Parts = parts;
        Parent = parent;
        Hu = hu;
        Catalogue = catalogue;
    }

    public List<AnatomyPart> Parts { get; }

    /// <summary>Parent id per structure-map id (0 = none).</summary>
    public ushort[] Parent { get; }

    /// <summary>Mean CT number per structure-map id.</summary>
    public float[] Hu { get; }

    public StructureCatalogue Catalogue { get; }
}
