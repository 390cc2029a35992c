namespace ContinualSegment.Imaging.Segmentation;

/// <summary>Per slice: first and last occupied row of one segment, -1 where the slice holds none of it.</summary>
internal sealed class RowBounds
{
    public RowBounds(int sizeZ)
    {
        First = new int[sizeZ];
        Last = new int[sizeZ];
        Array.Fill(First, -1);
        Array.Fill(Last, -1);
    }

    public int[] First { get; }

    public int[] Last { get; }

    public bool Any => First.Any(static f => f >= 0);
}
