using System.Buffers.Binary;
using System.Globalization;

namespace ContinualSegment.Imaging.Tests;

public class NiftiTests
{
    private static Affine3D Oblique()
    {
        // Rotation Rz(20°)·Rx(10°) applied to the LPS axes.
        double a = 20 * Math.PI / 180, b = 10 * Math.PI / 180;
        var i = new Vec3(Math.Cos(a), Math.Sin(a), 0);
        var j = new Vec3(-Math.Sin(a) * Math.Cos(b), Math.Cos(a) * Math.Cos(b), Math.Sin(b));
        Vec3 k = i.Cross(j);
        return new Affine3D(new Vec3(-120.5, 80.25, 33.0), i, j, k, new Vec3(0.8, 0.9, 2.5));
    }

    private static Volume<float> Pattern(Affine3D g, int sx = 7, int sy = 5, int sz = 4)
    {
        var v = new Volume<float>(sx, sy, sz, g);
        for (int n = 0; n < v.Length; n++)
        {
            v.Data[n] = (n * 1.5f) - 20;
        }

        return v;
    }

    private static void AssertGeometry(Affine3D expected, Affine3D actual, double tol = 1e-4)
    {
        double[] e = expected.ToMatrix4x4(), a = actual.ToMatrix4x4();
        for (int n = 0; n < 16; n++)
        {
            Assert.True(Math.Abs(e[n] - a[n]) < tol, $"matrix element {n}: expected {e[n]}, got {a[n]}");
        }
    }

    [Fact]
    public void Header_layout_is_nifti1_single_file()
    {
        byte[] b = NiftiWriter.Encode(Pattern(Oblique()));
        Assert.Equal(348, BinaryPrimitives.ReadInt32LittleEndian(b));
        Assert.Equal(352f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(108)));
        Assert.Equal("n+1\0", System.Text.Encoding.ASCII.GetString(b, 344, 4));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(252))); // qform_code
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(254))); // sform_code
        Assert.Equal((short)NiftiDataType.Float32, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(70)));
        Assert.Equal(352 + (7 * 5 * 4 * 4), b.Length);
        Assert.Equal(3, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(40)));
        Assert.Equal(7, BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(42)));

        // sform is RAS: x and y rows are the negated LPS rows.
        Affine3D g = Oblique();
        double[] m = g.ToMatrix4x4();
        Assert.Equal(-m[3], BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(280 + 12)), 4);
        Assert.Equal(-m[7], BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(296 + 12)), 4);
        Assert.Equal(m[11], BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(312 + 12)), 4);
    }

    [Fact]
    public void Sform_qform_and_pixdim_paths_read_the_same_geometry()
    {
        Affine3D g = Oblique();
        byte[] b = NiftiWriter.Encode(Pattern(g));
        Volume<float> viaSform = NiftiReader.ReadFloat(b);
        AssertGeometry(g, viaSform.Geometry);
        Assert.Equal(Pattern(g).Data, viaSform.Data);

        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(254), 0);
        AssertGeometry(g, NiftiReader.ReadFloat(b).Geometry);

        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(252), 0);
        Affine3D plain = NiftiReader.ReadFloat(b).Geometry;
        Assert.Equal(0.8, plain.Spacing.X, 5);
        Assert.Equal(2.5, plain.Spacing.Z, 5);
        Assert.Equal(new Vec3(-1, 0, 0), plain.AxisI);
    }

    [Fact]
    public void Left_handed_geometry_round_trips_through_qform_with_negative_qfac()
    {
        var g = new Affine3D(new Vec3(10, -20, 300), new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, -1), new Vec3(0.7, 0.7, 3));
        byte[] b = NiftiWriter.Encode(Pattern(g));
        Assert.Equal(-1f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(76)));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(254), 0);
        AssertGeometry(g, NiftiReader.ReadFloat(b).Geometry);
    }

    [Fact]
    public async Task Gzip_files_round_trip_every_supported_type()
    {
        using var dir = new TempDirectory();
        Affine3D g = Affine3D.Axial(new Vec3(-100, -90, -50), new Vec3(1.2, 1.2, 3));
        var bytes = new Volume<byte>(4, 3, 2, g);
        var shorts = new Volume<short>(4, 3, 2, g);
        var ushorts = new Volume<ushort>(4, 3, 2, g);
        var ints = new Volume<int>(4, 3, 2, g);
        var doubles = new Volume<double>(4, 3, 2, g);
        for (int n = 0; n < 24; n++)
        {
            bytes.Data[n] = (byte)(n * 10);
            shorts.Data[n] = (short)((n * 100) - 1000);
            ushorts.Data[n] = (ushort)(n * 2000);
            ints.Data[n] = (n * 100000) - 7;
            doubles.Data[n] = (n * 0.25) - 3;
        }

        await NiftiWriter.WriteAsync(bytes, dir.File("b.nii.gz"), default);
        await NiftiWriter.WriteAsync(shorts, dir.File("s.nii.gz"), default);
        await NiftiWriter.WriteAsync(ushorts, dir.File("u.nii"), default);
        await NiftiWriter.WriteAsync(ints, dir.File("i.nii.gz"), default);
        await NiftiWriter.WriteAsync(doubles, dir.File("d.nii.gz"), default);
        byte[] raw = await File.ReadAllBytesAsync(dir.File("b.nii.gz"));
        Assert.Equal(0x1f, raw[0]);
        Assert.Equal(0x8b, raw[1]);

        Assert.Equal(bytes.Data.Select(v => (ushort)v), (await NiftiReader.ReadLabelsAsync(dir.File("b.nii.gz"), default)).Data);
        Assert.Equal(ushorts.Data, (await NiftiReader.ReadLabelsAsync(dir.File("u.nii"), default)).Data);
        Assert.Equal(shorts.Data.Select(v => (float)v), (await NiftiReader.ReadFloatAsync(dir.File("s.nii.gz"), default)).Data);
        Assert.Equal(ints.Data.Select(v => (float)v), (await NiftiReader.ReadFloatAsync(dir.File("i.nii.gz"), default)).Data);
        Assert.Equal(doubles.Data.Select(v => (float)v), (await NiftiReader.ReadFloatAsync(dir.File("d.nii.gz"), default)).Data);
        Assert.Equal(NiftiDataType.UInt16, (await NiftiReader.ReadHeaderAsync(dir.File("u.nii"), default)).DataType);
    }

    [Fact]
    public void Scale_slope_and_intercept_are_applied()
    {
        var v = new Volume<short>(2, 2, 1, Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1)), [0, 1, 2, 3]);
        byte[] b = NiftiWriter.Encode(v);
        BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(112), 2.0f);
        BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(116), -1024f);
        Assert.Equal([-1024f, -1022f, -1020f, -1018f], NiftiReader.ReadFloat(b).Data);
    }

    [Fact]
    public void Bad_headers_are_rejected_before_allocating()
    {
        byte[] good = NiftiWriter.Encode(Pattern(Oblique()));
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(good.AsSpan(0, 300)));
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(good.AsSpan(0, good.Length - 1)));

        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(42), 32767);
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(44), 32767);
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(46), 32767);
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(huge));

        byte[] zero = (byte[])good.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(zero.AsSpan(44), 0);
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(zero));

        byte[] offset = (byte[])good.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(offset.AsSpan(108), 1e9f);
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(offset));

        byte[] fourD = (byte[])good.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(fourD.AsSpan(40), 4);
        BinaryPrimitives.WriteInt16LittleEndian(fourD.AsSpan(48), 3);
        Assert.Throws<NotSupportedException>(() => NiftiReader.ReadFloat(fourD));

        byte[] notNifti = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(notNifti, 540);
        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadFloat(notNifti));

        Assert.Throws<InvalidDataException>(() => NiftiReader.ReadLabels(good));
    }

    [Fact]
    public async Task Truncated_and_oversized_gzip_files_are_rejected()
    {
        using var dir = new TempDirectory();
        byte[] good = NiftiWriter.Encode(Pattern(Oblique()));
        await File.WriteAllBytesAsync(dir.File("short.nii.gz"), NiftiWriter.Compress(good.AsSpan(0, good.Length - 10).ToArray()));
        await Assert.ThrowsAsync<InvalidDataException>(() => NiftiReader.ReadFloatAsync(dir.File("short.nii.gz"), default));

        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(42), 30000);
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(44), 30000);
        BinaryPrimitives.WriteInt16LittleEndian(huge.AsSpan(46), 3000);
        await File.WriteAllBytesAsync(dir.File("huge.nii.gz"), NiftiWriter.Compress(huge));
        await Assert.ThrowsAsync<InvalidDataException>(() => NiftiReader.ReadFloatAsync(dir.File("huge.nii.gz"), default));

        await File.WriteAllBytesAsync(dir.File("tiny.nii"), [1, 2, 3]);
        await Assert.ThrowsAsync<InvalidDataException>(() => NiftiReader.ReadHeaderAsync(dir.File("tiny.nii"), default));
    }

    [Fact]
    public void Big_endian_files_are_read()
    {
        var v = new Volume<short>(3, 2, 1, Affine3D.Axial(new Vec3(5, 6, 7), new Vec3(1, 2, 3)), [1, -2, 300, 4, 5, -600]);
        byte[] le = NiftiWriter.Encode(v);
        byte[] be = (byte[])le.Clone();
        Swap(be, 0, 4);
        for (int n = 0; n < 8; n++) { Swap(be, 40 + (2 * n), 2); Swap(be, 76 + (4 * n), 4); }
        foreach (int o in new[] { 70, 72, 252, 254 }) { Swap(be, o, 2); }
        foreach (int o in new[] { 108, 112, 116, 256, 260, 264, 268, 272, 276 }) { Swap(be, o, 4); }
        for (int n = 0; n < 12; n++) { Swap(be, 280 + (4 * n), 4); }
        for (int n = 0; n < 6; n++) { Swap(be, 352 + (2 * n), 2); }
        Volume<float> r = NiftiReader.ReadFloat(be);
        Assert.Equal([1f, -2f, 300f, 4f, 5f, -600f], r.Data);
        AssertGeometry(v.Geometry, r.Geometry);
    }

    [Fact]
    public async Task Plastimatch_reads_the_same_LPS_geometry()
    {
        using var dir = new TempDirectory();
        Affine3D g = Oblique();
        await NiftiWriter.WriteAsync(Pattern(g, 9, 8, 6), dir.File("g.nii.gz"), default);
        string text = ExternalTool.Run("plastimatch", "header", dir.File("g.nii.gz"));
        double[] Values(string key) => text.Split('\n').First(l => l.StartsWith(key, StringComparison.Ordinal))
            .Split('=')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([9.0, 8.0, 6.0], Values("Size"));
        double[] origin = Values("Origin"), spacing = Values("Spacing"), dir9 = Values("Direction");
        Assert.Equal(g.Origin.X, origin[0], 3);
        Assert.Equal(g.Origin.Y, origin[1], 3);
        Assert.Equal(g.Origin.Z, origin[2], 3);
        Assert.Equal(g.Spacing.X, spacing[0], 3);
        Assert.Equal(g.Spacing.Z, spacing[2], 3);
        Vec3[] axes = [g.AxisI, g.AxisJ, g.AxisK];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                double expected = r == 0 ? axes[c].X : r == 1 ? axes[c].Y : axes[c].Z;
                Assert.Equal(expected, dir9[(3 * r) + c], 3);
            }
        }
    }

    private static void Swap(byte[] b, int offset, int size) => Array.Reverse(b, offset, size);
}
