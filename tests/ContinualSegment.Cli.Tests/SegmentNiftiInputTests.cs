using System.Buffers.Binary;
using System.Diagnostics;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Cli.Tests;

/// <summary>NIfTI inputs as users have them: dcm2niix output (left-handed), flipped volumes and damaged headers.</summary>
[Collection(SegmentModelCollection.Name)]
public sealed class SegmentNiftiInputTests(SegmentModelFixture fixture) : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-segnii-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task A_dcm2niix_conversion_of_a_phantom_series_is_segmented_and_its_labels_keep_the_input_grid()
    {
        var nifti = Dcm2Niix(fixture.SeriesDirectory, Path.Combine(dir.FullName, "d2n"), compress: true);
        var header = await NiftiReader.ReadHeaderAsync(nifti, CancellationToken.None);
        Assert.True(header.PixDim[0] < 0, "dcm2niix wrote a right-handed affine; this test is about its usual left-handed one");
        Assert.False(VolumeReorientation.IsRightHanded(NiftiGeometry.Read(header)));
        var outDir = Path.Combine(dir.FullName, "out");

        var (code, output, error) = await CsegRunner.RunAsync("segment", "--input", nifti, "--out", outDir, "--model", fixture.Model);

        Assert.True(code == 0, error + output);
        await AssertSameGridAsync(nifti, Path.Combine(outDir, "labels.nii.gz"));
    }

    [Fact]
    public async Task A_left_handed_volume_is_reoriented_not_refused_and_its_labels_come_back_on_its_grid()
    {
        var right = await NiftiReader.ReadFloatAsync(fixture.NiftiImage, CancellationToken.None);
        var g = right.Geometry;
        var leftGeometry = g with { Origin = g.IndexToWorld(0, 0, right.SizeZ - 1), AxisK = -g.AxisK };
        var left = VolumeReorientation.FlipSlices(right, leftGeometry);
        Assert.False(VolumeReorientation.IsRightHanded(left.Geometry));
        var path = Path.Combine(dir.FullName, "left.nii.gz");
        await NiftiWriter.WriteAsync(left, path, CancellationToken.None);
        var outDir = Path.Combine(dir.FullName, "left-out");

        var (code, output, error) = await CsegRunner.RunAsync("segment", "--input", path, "--out", outDir, "--model", fixture.Model);

        Assert.True(code == 0, error + output);
        await AssertSameGridAsync(path, Path.Combine(outDir, "labels.nii.gz"));

        // The same scan as a right-handed file gives the same labels, slice for slice reversed.
        var rightOut = Path.Combine(dir.FullName, "right-out");
        (code, output, error) = await CsegRunner.RunAsync("segment", "--input", fixture.NiftiImage, "--out", rightOut, "--model", fixture.Model);
        Assert.True(code == 0, error + output);
        var a = await NiftiReader.ReadLabelsAsync(Path.Combine(outDir, "labels.nii.gz"), CancellationToken.None);
        var b = await NiftiReader.ReadLabelsAsync(Path.Combine(rightOut, "labels.nii.gz"), CancellationToken.None);
        Assert.Equal(b.Data, VolumeReorientation.FlipSlices(a, b.Geometry).Data);
    }

    [Fact]
    public async Task Damaged_nifti_headers_end_in_success_or_one_line_refusals_never_in_an_unhandled_exception()
    {
        var source = Dcm2Niix(fixture.SeriesDirectory, Path.Combine(dir.FullName, "plain"), compress: false);
        var original = await File.ReadAllBytesAsync(source);
        var outcomes = new List<string>();
        var index = 0;
        foreach (var (name, bytes) in Mutations(original))
        {
            var path = Path.Combine(dir.FullName, $"m{index++:D3}.nii");
            await File.WriteAllBytesAsync(path, bytes);
            var outDir = Path.Combine(dir.FullName, $"m{index:D3}-out");

            // An unhandled exception escapes CsegApp.RunAsync and fails the test here.
            var (code, output, error) = await CsegRunner.RunAsync("segment", "--input", path, "--out", outDir, "--model", fixture.Model);

            Assert.True(code is 0 or 1, $"{name}: exit {code}: {error}{output}");
            if (code == 1)
            {
                var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith("cseg: ", line, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            }

            outcomes.Add($"{name}: {code}");
        }

        Assert.Contains(outcomes, o => o.EndsWith(": 1", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.EndsWith(": 0", StringComparison.Ordinal));
    }

    // About sixty variants: each field gets the values that break readers most often (zero, negative, huge,
    // not a number); the successful ones run the whole model, so the list stays short.
    private static IEnumerable<(string Name, byte[] Bytes)> Mutations(byte[] original)
    {
        yield return ("unchanged", original);
        foreach (var cut in new[] { 0, 100, 348, 352, original.Length / 2, original.Length - 1 })
        {
            yield return ($"truncated to {cut}", original[..cut]);
        }

        short[] shorts = [0, -1, short.MaxValue, 2];
        foreach (var (field, offset) in new[] { ("dim[0]", 40), ("dim[1]", 42), ("dim[3]", 46), ("datatype", 70), ("bitpix", 72), ("sform_code", 254) })
        {
            foreach (var v in shorts)
            {
                yield return ($"{field} = {v}", With(original, b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(offset), v)));
            }
        }

        float[] floats = [0, float.NaN, 1e6f, -1];
        foreach (var (field, offset) in new[] { ("pixdim[1]", 80), ("vox_offset", 108), ("scl_slope", 112), ("srow_x[0]", 280), ("srow_x[1]", 284), ("srow_z[2]", 320), ("srow_z[3]", 324) })
        {
            foreach (var v in floats)
            {
                yield return ($"{field} = {v}", With(original, b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(offset), v)));
            }
        }

        // qform only (sform switched off): left-handed, then with quaternions that are not unit or not numbers.
        static void QformOnly(byte[] b)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(254), 0);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(252), 1);
        }

        yield return ("qform only", With(original, QformOnly));
        yield return ("qform only, quatern_b = 2", With(original, b => { QformOnly(b); BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(256), 2); }));
        yield return ("qform only, quatern_d = NaN", With(original, b => { QformOnly(b); BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(264), float.NaN); }));
        yield return ("qform only, pixdim[3] = 0", With(original, b => { QformOnly(b); BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(88), 0); }));
        yield return ("no qform or sform", With(original, b => { QformOnly(b); BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(252), 0); }));
        yield return ("sizeof_hdr = 540", With(original, b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(0), 540)));
        yield return ("sizeof_hdr byte-swapped", With(original, b => BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(0), 348)));
        yield return ("magic garbled", With(original, b => b[344] = (byte)'x'));
        yield return ("gzip magic, no stream", With(original, b => (b[0], b[1]) = (0x1f, 0x8b)));
    }

    private static byte[] With(byte[] original, Action<byte[]> change)
    {
        var copy = (byte[])original.Clone();
        change(copy);
        return copy;
    }

    private static async Task AssertSameGridAsync(string input, string labelsPath)
    {
        var header = await NiftiReader.ReadHeaderAsync(input, CancellationToken.None);
        var labels = await NiftiReader.ReadLabelsAsync(labelsPath, CancellationToken.None);
        Assert.Equal((header.SizeX, header.SizeY, header.SizeZ), (labels.SizeX, labels.SizeY, labels.SizeZ));
        var expected = NiftiGeometry.Read(header).ToMatrix4x4();
        var actual = labels.Geometry.ToMatrix4x4();
        for (var i = 0; i < 16; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-3, $"affine element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    private static string Dcm2Niix(string series, string outDir, bool compress)
    {
        Directory.CreateDirectory(outDir);
        using var process = Process.Start(new ProcessStartInfo("dcm2niix", ["-z", compress ? "y" : "n", "-b", "n", "-f", "ct", "-o", outDir, series]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("dcm2niix did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dcm2niix failed: {stdout.Result} {stderr}");
        return Assert.Single(Directory.GetFiles(outDir, compress ? "*.nii.gz" : "*.nii"));
    }
}
