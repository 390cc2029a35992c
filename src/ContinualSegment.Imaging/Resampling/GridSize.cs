namespace ContinualSegment.Imaging.Resampling;

/// <summary>Voxels along x (fastest), y and z.</summary>
public readonly record struct GridSize(int X, int Y, int Z)
{
    /// <summary>Number of voxels.</summary>
    public long Count => (long)X * Y * Z;

    /// <summary>Throws unless every dimension is positive and the grid fits one array.</summary>
    public void Validate(string name)
    {
        if (X <= 0 || Y <= 0 || Z <= 0 || Count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(name, $"grid {X}×{Y}×{Z} is empty or too large");
        }
    }
}
