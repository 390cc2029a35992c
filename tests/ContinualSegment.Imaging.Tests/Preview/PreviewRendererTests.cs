using System.Diagnostics;
using System.Text.Json;
using ContinualSegment.Imaging.Preview;

namespace ContinualSegment.Imaging.Tests.Preview;

public sealed class PreviewRendererTests
{
    // An independent PNG reader: Debian's Python checks every CRC, inflates IDAT, undoes filter 0 and
    // prints width, height and the requested pixels.
    private const string PythonPngReader = """
import json, struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
    assert zlib.crc32(kind + body) & 0xffffffff == crc, 'crc of ' + kind.decode()
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    if kind == b'IDAT': idat += body
    pos += 12 + length
w, h, depth, colour = ihdr[:4]
assert depth == 8 and colour == 2
raw = zlib.decompress(idat)
stride = w * 3 + 1
pixels = {}
for spec in sys.argv[2:]:
    x, y = map(int, spec.split(','))
    assert raw[y * stride] == 0
    o = y * stride + 1 + x * 3
    pixels[spec] = list(raw[o:o + 3])
print(json.dumps({'width': w, 'height': h, 'pixels': pixels}))
""";

    [Fact]
    public void Preview_is_a_valid_png_with_the_overlay_where_the_label_is()
    {
        const int n = 40, nz = 20;
        var ct = new float[n * n * nz];
        var labels = new ushort[n * n * nz];
        Array.Fill(ct, -1000f);
        for (var z = 5; z < 15; z++)
        {
            for (var y = 10; y < 30; y++)
            {
                for (var x = 10; x < 30; x++)
                {
                    var i = (z * n * n) + (y * n) + x;
                    ct[i] = 40f; // window centre: mid grey
                    labels[i] = 5;
                }
            }
        }

        var colours = new Dictionary<int, (byte, byte, byte)> { [5] = (255, 0, 0) };
        var png = PreviewRenderer.RenderPng(ct, labels, (n, n, nz), (1.0, 1.0, 3.0), colours, new PreviewOptions(Opacity: 0.5));

        var result = ReadWithPython(png, "20,20", "2,2", "62,30");
        // Three panels: axial 40×40, coronal 40×60, sagittal 40×60, with two 4-pixel gaps.
        Assert.Equal(40 + 4 + 40 + 4 + 40, result.Width);
        Assert.Equal(60, result.Height);
        var centre = result.Pixels["20,20"];
        Assert.InRange(centre[0], 185, 195); // 0.5 × 128 + 0.5 × 255
        Assert.InRange(centre[1], 60, 68);
        Assert.Equal(new[] { 0, 0, 0 }, result.Pixels["2,2"]); // air outside the window
        Assert.Equal(centre, result.Pixels["62,30"]); // coronal panel through the cube
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        var colours = new Dictionary<int, (byte, byte, byte)>();
        Assert.Throws<ArgumentException>(() => PreviewRenderer.RenderPng(new float[10], [], (2, 2, 2), (1, 1, 1), colours, new PreviewOptions()));
        Assert.Throws<ArgumentException>(() => PreviewRenderer.RenderPng(new float[8], new ushort[7], (2, 2, 2), (1, 1, 1), colours, new PreviewOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => PreviewRenderer.RenderPng(new float[8], [], (2, 2, 2), (1, 1, 1), colours, new PreviewOptions(Opacity: 2)));
    }

    private static (int Width, int Height, Dictionary<string, int[]> Pixels) ReadWithPython(byte[] png, params string[] points)
    {
        var dir = Directory.CreateTempSubdirectory("cseg-png-");
        try
        {
            var file = Path.Combine(dir.FullName, "p.png");
            var script = Path.Combine(dir.FullName, "read.py");
            File.WriteAllBytes(file, png);
            File.WriteAllText(script, PythonPngReader);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(file);
            foreach (var p in points)
            {
                start.ArgumentList.Add(p);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "python did not finish");
            Assert.True(process.ExitCode == 0, stderr);
            using var json = JsonDocument.Parse(stdout);
            var pixels = json.RootElement.GetProperty("pixels").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray());
            return (json.RootElement.GetProperty("width").GetInt32(), json.RootElement.GetProperty("height").GetInt32(), pixels);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
