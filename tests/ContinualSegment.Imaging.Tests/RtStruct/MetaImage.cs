using System.Globalization;
using System.Text;

namespace ContinualSegment.Imaging.Tests.RtStruct;

/// <summary>A minimal reader of uncompressed 3-D MetaImage (.mha) masks, as plastimatch writes them.</summary>
internal sealed record MetaImage((int X, int Y, int Z) Size, Vec3 Origin, byte[] Data)
{
    public static MetaImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        var pos = 0;
        while (true)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', pos);
            var line = Encoding.ASCII.GetString(bytes, pos, end - pos).Trim();
            pos = end + 1;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            header[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            if (line.StartsWith("ElementDataFile", StringComparison.Ordinal))
            {
                break;
            }
        }

        var dims = header["DimSize"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var offset = header["Offset"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (header["ElementType"] != "MET_UCHAR" || header.GetValueOrDefault("CompressedData", "False") != "False")
        {
            throw new NotSupportedException($"{path}: only uncompressed MET_UCHAR masks are read");
        }

        var count = dims[0] * dims[1] * dims[2];
        return new MetaImage((dims[0], dims[1], dims[2]), new Vec3(offset[0], offset[1], offset[2]), bytes.AsSpan(pos, count).ToArray());
    }
}
