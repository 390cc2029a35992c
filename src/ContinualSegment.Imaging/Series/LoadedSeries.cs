namespace ContinualSegment.Imaging.Series;

/// <summary>A CT (or other cross-sectional) series as a volume of modality values (Hounsfield units for CT).</summary>
public sealed class LoadedSeries
{
    public LoadedSeries(SeriesHeader header, Volume<float> volume)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.SizeX != header.SizeX || volume.SizeY != header.SizeY || volume.SizeZ != header.SizeZ)
        {
            throw new ArgumentException("The volume does not match the header's grid.", nameof(volume));
        }

        Header = header;
        Volume = volume;
    }

    public SeriesHeader Header { get; }

    /// <summary>Rescaled values (slope · stored + intercept) on the header's grid.</summary>
    public Volume<float> Volume { get; }

    public Affine3D Geometry => Header.Geometry;

    /// <summary>The values rounded and clamped to 16-bit signed integers (HU as short).</summary>
    public Volume<short> ToInt16()
    {
        var result = Volume.CreateLike<short>();
        float[] src = Volume.Data;
        short[] dst = result.Data;
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = (short)Math.Clamp(MathF.Round(src[i]), short.MinValue, short.MaxValue);
        }

        return result;
    }
}
