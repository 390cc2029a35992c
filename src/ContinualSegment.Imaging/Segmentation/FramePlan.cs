using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Which segments and frames a Segmentation holds, and how each frame's bits are packed. The label maps are scanned
/// once for the rows each segment occupies on each slice; frames (segment, slice) follow in segment then slice order,
/// and a frame's bits are set from its slice's occupied rows only.
/// </summary>
internal sealed class FramePlan
{
    private readonly SegmentationRequest request;
    private readonly bool[]?[] members;

    private FramePlan(SegmentationRequest request, List<(SegmentInput Input, int Number, RowBounds Rows)> segments, List<(int Segment, int Z)> frames)
    {
        this.request = request;
        Segments = segments;
        Frames = frames;
        members = new bool[]?[segments.Count];
        FrameBits = request.Source.SizeX * request.Source.SizeY;
        PixelDataLength = LengthOf(request, frames.Count);
    }

    /// <summary>The segments written, numbered 1..n, with their occupied rows.</summary>
    public List<(SegmentInput Input, int Number, RowBounds Rows)> Segments { get; }

    /// <summary>The frames in order: segment number and slice.</summary>
    public List<(int Segment, int Z)> Frames { get; }

    /// <summary>Bits per frame (rows × columns).</summary>
    public int FrameBits { get; }

    /// <summary>Length of the Pixel Data value in bytes (even).</summary>
    public long PixelDataLength { get; }

    /// <summary>Checks the request and plans its segments and frames.</summary>
    /// <exception cref="ArgumentException">The request is inconsistent, or nothing is left to write.</exception>
    public static FramePlan Create(SegmentationRequest request, SegmentationOptions options)
    {
        ValidateRequest(request);
        RowBounds[] present = FindPresence(request);
        var segments = new List<(SegmentInput Input, int Number, RowBounds Rows)>();
        for (int s = 0; s < request.Segments.Count; s++)
        {
            if (options.IncludeEmptySegments || present[s].Any)
            {
                segments.Add((request.Segments[s], segments.Count + 1, present[s]));
            }
        }

        if (segments.Count == 0)
        {
            throw new ArgumentException("No segment has a voxel and IncludeEmptySegments is off: there is nothing to write.", nameof(request));
        }

        var frames = new List<(int Segment, int Z)>();
        foreach (var (_, number, p) in segments)
        {
            for (int z = 0; z < p.First.Length; z++)
            {
                if (p.First[z] >= 0)
                {
                    frames.Add((number, z));
                }
            }
        }

        if (frames.Count == 0)
        {
            frames.Add((1, 0));
        }

        return new FramePlan(request, segments, frames);
    }

    /// <summary>All frames packed into one Pixel Data value.</summary>
    public byte[] PackAll()
    {
        var packed = new byte[PixelDataLength];
        long bit = 0;
        foreach (var (segment, z) in Frames)
        {
            PackFrame(segment, z, packed, bit);
            bit += FrameBits;
        }

        return packed;
    }

    /// <summary>Sets the bits of one frame (segment on slice z) in <paramref name="target"/>, starting at bit <paramref name="bit"/>.</summary>
    public void PackFrame(int segment, int z, byte[] target, long bit)
    {
        var (input, _, rows) = Segments[segment - 1];
        int firstRow = rows.First[z];
        if (firstRow < 0)
        {
            return;
        }

        int sizeX = request.Source.SizeX;
        ReadOnlySpan<ushort> slice = request.Layers[input.Layer].Slice(z);
        ushort label = input.Label;
        bool[]? also = input.AlsoLabels is { Count: > 0 } ? MembersOf(segment) : null;
        int end = (rows.Last[z] + 1) * sizeX;
        for (int i = firstRow * sizeX; i < end; i++)
        {
            ushort v = slice[i];
            if (v == label || (also is not null && also[v]))
            {
                long b = bit + i;
                target[b >> 3] |= (byte)(1 << (int)(b & 7));
            }
        }
    }

    /// <summary>Which label values belong to the segment (built once per segment with further labels).</summary>
    private bool[] MembersOf(int segment)
    {
        if (members[segment - 1] is { } set)
        {
            return set;
        }

        set = new bool[ushort.MaxValue + 1];
        foreach (ushort v in Segments[segment - 1].Input.AllLabels)
        {
            set[v] = true;
        }

        return members[segment - 1] = set;
    }

    private static long LengthOf(SegmentationRequest request, int frameCount)
    {
        long totalBits = (long)request.Source.SizeX * request.Source.SizeY * frameCount;
        long bytes = (totalBits + 7) / 8;
        bytes += bytes & 1;
        if (bytes > Array.MaxLength || bytes > uint.MaxValue - 1)
        {
            throw new ArgumentException($"The Segmentation's pixel data would need {bytes} bytes.", nameof(request));
        }

        return bytes;
    }

    private static void ValidateRequest(SegmentationRequest request)
    {
        SeriesHeader src = request.Source;
        ArgumentNullException.ThrowIfNull(request.Layers);
        ArgumentNullException.ThrowIfNull(request.Segments);
        if (string.IsNullOrEmpty(src.FrameOfReferenceUid) || !DicomUid.IsValid(src.FrameOfReferenceUid))
        {
            throw new ArgumentException($"The source series has no valid Frame of Reference UID ('{src.FrameOfReferenceUid}'); a Segmentation needs one.", nameof(request));
        }

        if (src.SizeX > ushort.MaxValue || src.SizeY > ushort.MaxValue)
        {
            throw new ArgumentException($"A {src.SizeX}×{src.SizeY} slice does not fit Rows/Columns.", nameof(request));
        }

        foreach (Volume<ushort> layer in request.Layers)
        {
            if (layer is null || layer.SizeX != src.SizeX || layer.SizeY != src.SizeY || layer.SizeZ != src.SizeZ)
            {
                throw new ArgumentException($"Every label map must be on the source grid {src.SizeX}×{src.SizeY}×{src.SizeZ}.", nameof(request));
            }
        }

        if (request.Segments.Count is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A Segmentation needs 1 to {ushort.MaxValue} segments; {request.Segments.Count} given.", nameof(request));
        }

        foreach (SegmentInput s in request.Segments)
        {
            ArgumentNullException.ThrowIfNull(s);
            ArgumentNullException.ThrowIfNull(s.Description);
            if ((uint)s.Layer >= (uint)request.Layers.Count)
            {
                throw new ArgumentException($"Segment '{s.Description.Label}' names layer {s.Layer}; there are {request.Layers.Count}.", nameof(request));
            }

            if (s.AllLabels.Contains((ushort)0))
            {
                throw new ArgumentException($"Segment '{s.Description.Label}' has label 0 (background).", nameof(request));
            }

            if (string.IsNullOrWhiteSpace(s.Description.Label) || s.Description.Label.Length > 64 || s.Description.Label.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Segment Label '{s.Description.Label}' must be 1–64 characters without backslashes.", nameof(request));
            }

            if (s.Description.TrackingUid is not null)
            {
                DicomUid.Validate(s.Description.TrackingUid);
            }
        }
    }

    /// <summary>
    /// For each segment and slice: the first and last row holding one of its voxels (-1 when none). One pass over each
    /// layer; the bounds let frames be packed from their occupied rows only.
    /// </summary>
    private static RowBounds[] FindPresence(SegmentationRequest request)
    {
        int sizeY = request.Source.SizeY, sizeX = request.Source.SizeX, sizeZ = request.Source.SizeZ;
        var bounds = new RowBounds[request.Segments.Count];
        for (int s = 0; s < bounds.Length; s++)
        {
            bounds[s] = new RowBounds(sizeZ);
        }

        for (int layer = 0; layer < request.Layers.Count; layer++)
        {
            var wanted = new List<int>?[ushort.MaxValue + 1];
            bool any = false;
            for (int s = 0; s < request.Segments.Count; s++)
            {
                if (request.Segments[s].Layer == layer)
                {
                    foreach (ushort label in request.Segments[s].AllLabels)
                    {
                        (wanted[label] ??= []).Add(s);
                    }

                    any = true;
                }
            }

            if (!any)
            {
                continue;
            }

            Volume<ushort> map = request.Layers[layer];
            var first = new int[ushort.MaxValue + 1];
            var last = new int[ushort.MaxValue + 1];
            Array.Fill(first, -1);
            var seenList = new List<ushort>();
            for (int z = 0; z < sizeZ; z++)
            {
                ReadOnlySpan<ushort> slice = map.Slice(z);
                for (int y = 0; y < sizeY; y++)
                {
                    // Only which labels a row holds matters: one look per run of equal values.
                    ReadOnlySpan<ushort> row = slice.Slice(y * sizeX, sizeX);
                    for (int x = 0; x < row.Length;)
                    {
                        ushort v = row[x];
                        int run = row[x..].IndexOfAnyExcept(v);
                        x = run < 0 ? row.Length : x + run;
                        if (v == 0 || wanted[v] is null)
                        {
                            continue;
                        }

                        if (first[v] < 0)
                        {
                            first[v] = y;
                            seenList.Add(v);
                        }

                        last[v] = y;
                    }
                }

                foreach (ushort v in seenList)
                {
                    foreach (int s in wanted[v]!)
                    {
                        RowBounds b = bounds[s];
                        b.First[z] = b.First[z] < 0 ? first[v] : Math.Min(b.First[z], first[v]);
                        b.Last[z] = Math.Max(b.Last[z], last[v]);
                    }

                    first[v] = -1;
                }

                seenList.Clear();
            }
        }

        return bounds;
    }
}
