using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom;

/// <summary>
/// One generated subject: the CT image (HU), the task's label map (task-local labels), and the full
/// structure map (0 air, 1–143 catalogue global index of the innermost structure, ≥150 unlabelled tissue).
/// </summary>
public sealed class PhantomCase
{
    private readonly ushort[] parent;

    internal PhantomCase(PhantomCaseMetadata metadata, Volume<short> image, Volume<ushort> structureMap, ushort[] parent, StructureCatalogue catalogue)
    {
        Metadata = metadata;
        Image = image;
        StructureMap = structureMap;
        this.parent = parent;
        Catalogue = catalogue;
        Labels = CreateLabelMap(metadata.Task);
    }

    public PhantomCaseMetadata Metadata { get; }

    public string CaseId => Metadata.CaseId;

    /// <summary>CT numbers (HU), int16.</summary>
    public Volume<short> Image { get; }

    /// <summary>Labels of this case's task (task-local values; other structures are 0).</summary>
    public Volume<byte> Labels { get; }

    public Volume<ushort> StructureMap { get; }

    public StructureCatalogue Catalogue { get; }

    /// <summary>Parent structure-map id of a nested structure (0 = none).</summary>
    public ushort ParentOf(ushort id) => id < parent.Length ? parent[id] : (ushort)0;

    /// <summary>
    /// The label map of any task on this case's grid: a voxel gets the task-local label of its structure,
    /// or of the nearest enclosing (parent) structure that belongs to the task.
    /// </summary>
    public Volume<byte> CreateLabelMap(string task) => CreateLabelMap(Catalogue.ForTask(task));

    /// <summary>
    /// A label map of the given structures on this case's grid: structure i has label i + 1; a voxel gets the label
    /// of its structure or of the nearest enclosing (parent) structure in the list, so a lesion listed before its
    /// host organ keeps its own label inside the organ.
    /// </summary>
    /// <exception cref="ArgumentException">More than 255 structures, or one twice.</exception>
    public Volume<byte> CreateLabelMap(IReadOnlyList<StructureInfo> structures)
    {
        ArgumentNullException.ThrowIfNull(structures);
        if (structures.Count > byte.MaxValue)
        {
            throw new ArgumentException($"A byte label map holds at most {byte.MaxValue} structures; {structures.Count} were given.", nameof(structures));
        }

        var labelOf = new Dictionary<int, int>();
        for (int i = 0; i < structures.Count; i++)
        {
            if (!labelOf.TryAdd(structures[i].GlobalIndex, i + 1))
            {
                throw new ArgumentException($"Structure '{structures[i].Name}' is listed twice.", nameof(structures));
            }
        }

        byte[] lut = LabelLookup(s => labelOf.GetValueOrDefault(s.GlobalIndex));
        Volume<byte> v = StructureMap.CreateLike<byte>();
        ushort[] src = StructureMap.Data;
        byte[] dst = v.Data;
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = lut[src[i]];
        }

        return v;
    }

    /// <summary>Voxel mask of a catalogue structure including its nested children.</summary>
    public bool[] Mask(string name)
    {
        int target = Catalogue[name].GlobalIndex;
        bool[] inside = new bool[TissueIds.Count];
        for (int id = 1; id < inside.Length; id++)
        {
            for (int c = id; c != 0; c = parent[c])
            {
                if (c == target)
                {
                    inside[id] = true;
                    break;
                }
            }
        }

        ushort[] src = StructureMap.Data;
        bool[] m = new bool[src.Length];
        for (int i = 0; i < src.Length; i++)
        {
            m[i] = inside[src[i]];
        }

        return m;
    }

    private byte[] LabelLookup(Func<StructureInfo, int> labelOf)
    {
        byte[] lut = new byte[TissueIds.Count];
        for (int id = 1; id < TissueIds.FirstUnlabelled && id <= Catalogue.Count; id++)
        {
            for (int c = id; c != 0; c = parent[c])
            {
                int l = labelOf(Catalogue.ByGlobalIndex(c));
                if (l > 0)
                {
                    lut[id] = (byte)l;
                    break;
                }
            }
        }

        return lut;
    }
}
