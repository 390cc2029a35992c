namespace ContinualSegment.Imaging.Resampling;

/// <summary>
/// Brings a volume whose axes are orthonormal but left-handed (as NIfTI files often are: dcm2niix writes
/// qfac = −1) to the right-handed geometry a DICOM image series needs (slices along the row × column normal),
/// and back. Only the slice order changes: voxels are moved, never interpolated.
/// </summary>
public static class VolumeReorientation
{
    /// <summary>How far the axes may be from orthonormal (dot products, unit lengths) to count as orthonormal.</summary>
    public const double OrthonormalTolerance = 1e-4;

    /// <summary>
    /// Whether the geometry's axes are orthonormal within <see cref="OrthonormalTolerance"/>, and its origin and
    /// spacing finite (spacing positive).
    /// </summary>
    public static bool IsOrthonormal(Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Vec3 i = geometry.AxisI, j = geometry.AxisJ, k = geometry.AxisK;
        return Finite(geometry.Origin) && Finite(i) && Finite(j) && Finite(k)
            && Finite(geometry.Spacing) && geometry.Spacing.X > 0 && geometry.Spacing.Y > 0 && geometry.Spacing.Z > 0
            && Math.Abs(i.Length - 1) < OrthonormalTolerance && Math.Abs(j.Length - 1) < OrthonormalTolerance && Math.Abs(k.Length - 1) < OrthonormalTolerance
            && Math.Abs(i.Dot(j)) < OrthonormalTolerance && Math.Abs(i.Dot(k)) < OrthonormalTolerance && Math.Abs(j.Dot(k)) < OrthonormalTolerance;
    }

    /// <summary>Whether the slice axis points along the row × column normal (AxisI × AxisJ).</summary>
    public static bool IsRightHanded(Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return geometry.AxisI.Cross(geometry.AxisJ).Dot(geometry.AxisK) > 0;
    }

    /// <summary>
    /// The right-handed, exactly orthonormal form of an orthonormal geometry: the slice axis reversed when the
    /// geometry is left-handed (origin at the last slice), and the axes made exactly orthonormal
    /// (AxisJ orthogonalised against AxisI, AxisK = AxisI × AxisJ).
    /// </summary>
    /// <param name="geometry">An orthonormal geometry (<see cref="IsOrthonormal"/>).</param>
    /// <param name="sizeZ">Slices of the volume.</param>
    /// <param name="flipped">Whether the slice order has to be reversed.</param>
    public static Affine3D RightHanded(Affine3D geometry, int sizeZ, out bool flipped)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeZ, 1);
        if (!IsOrthonormal(geometry))
        {
            throw new ArgumentException("the geometry's axes are not orthonormal", nameof(geometry));
        }

        flipped = !IsRightHanded(geometry);
        var origin = flipped ? geometry.IndexToWorld(0, 0, sizeZ - 1) : geometry.Origin;
        var i = geometry.AxisI.Normalized();
        var j = (geometry.AxisJ - (i * i.Dot(geometry.AxisJ))).Normalized();
        var k = i.Cross(j);
        return new Affine3D(origin, i, j, k, geometry.Spacing);
    }

    /// <summary>The same voxels with the slice order reversed (slice k becomes slice n − 1 − k), on <paramref name="geometry"/>.</summary>
    public static Volume<T> FlipSlices<T>(Volume<T> volume, Affine3D geometry)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(geometry);
        var result = new Volume<T>(volume.SizeX, volume.SizeY, volume.SizeZ, geometry);
        for (var z = 0; z < volume.SizeZ; z++)
        {
            volume.Slice(z).CopyTo(result.Slice(volume.SizeZ - 1 - z));
        }

        return result;
    }

    private static bool Finite(Vec3 v) => double.IsFinite(v.X) && double.IsFinite(v.Y) && double.IsFinite(v.Z);
}
