using System.Text;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Tests.Packages;

public sealed class DecoderPackageRefusalTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public async Task FlippedByteInStoredWeights_IsChecksumMismatch()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var weights = ZipSurgery.ReadEntry(package, "weights/decoder.bin");
        ZipSurgery.FlipStoredByte(package, weights[..64], 40);

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.ChecksumMismatch, ex.Reason);
        Assert.Contains("weights/decoder.bin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RewrittenWeightsWithConsistentZip_IsChecksumMismatchBySha256()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var weights = ZipSurgery.ReadEntry(package, "weights/decoder.bin");
        weights[^1] ^= 1;
        ZipSurgery.WriteEntry(package, "weights/decoder.bin", weights);

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.ChecksumMismatch, ex.Reason);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeightsOfAnotherSize_IsChecksumMismatch()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var weights = ZipSurgery.ReadEntry(package, "weights/decoder.bin");
        ZipSurgery.WriteEntry(package, "weights/decoder.bin", [.. weights, 0]);

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.ChecksumMismatch, ex.Reason);
    }

    [Fact]
    public async Task UnlistedExtraEntry_IsRefused()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        ZipSurgery.WriteEntry(package, "weights/extra.bin", [1, 2, 3]);

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.UnlistedFile, ex.Reason);
        Assert.Contains("weights/extra.bin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingListedFile_IsRefused()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        ZipSurgery.DeleteEntry(package, "notes.txt");

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.MissingFile, ex.Reason);
        Assert.Contains("notes.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingManifest_IsRefused()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        ZipSurgery.DeleteEntry(package, "manifest.json");

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.MissingFile, ex.Reason);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("weights/../../evil")]
    [InlineData("/tmp/evil")]
    [InlineData("..\\evil")]
    [InlineData("C:/evil")]
    [InlineData("weights//decoder.bin")]
    public async Task UnsafeEntryName_IsRefusedAndNothingIsWritten(string name)
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        ZipSurgery.WriteEntry(package, name, Encoding.ASCII.GetBytes("payload"));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.UnsafePath, ex.Reason);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ctx.ModelRoot, "evil")));
        Assert.False(File.Exists(Path.Combine(ctx.ModelRoot, "decoders", "evil")));
        Assert.Empty(await ctx.Model.ListAsync(CancellationToken.None));
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Fact]
    public async Task ManifestListingAnEscapingPath_IsRefusedAsUnsafe()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var manifest = Encoding.UTF8.GetString(ZipSurgery.ReadEntry(package, "manifest.json"))
            .Replace("\"notes.txt\"", "\"../notes.txt\"", StringComparison.Ordinal);
        ZipSurgery.WriteEntry(package, "manifest.json", Encoding.UTF8.GetBytes(manifest));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.UnsafePath, ex.Reason);
    }

    [Fact]
    public async Task WrongEncoder_IsRefusedNamingBothFingerprints()
    {
        var other = PackageTestContext.RandomFingerprint();
        var package = await ctx.BuildAsync(ctx.Manifest(encoder: other));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.EncoderMismatch, ex.Reason);
        Assert.Contains($"package was trained for encoder {other}, the installed encoder is {ctx.EncoderFingerprint}", ex.Message, StringComparison.Ordinal);
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Fact]
    public async Task CatalogueTypeCodeMismatch_IsRefused()
    {
        var liver = ctx.ClassFromCatalogue(1, "liver");
        var wrong = liver with { Type = liver.Type with { Code = ctx.Catalogue["spleen"].Type.Code } };
        var package = await ctx.BuildAsync(ctx.Manifest(classes: [wrong, ctx.ClassFromCatalogue(2, "spleen")]));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.CatalogueMismatch, ex.Reason);
        Assert.Contains("'liver'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ctx.Catalogue["liver"].Type.Code, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogueLateralityMismatch_IsRefused()
    {
        var left = ctx.ClassFromCatalogue(1, "kidney_left");
        var swapped = left with { Laterality = ctx.Catalogue["kidney_right"].Laterality };
        var package = await ctx.BuildAsync(ctx.Manifest(classes: [swapped]));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.CatalogueMismatch, ex.Reason);
        Assert.Contains("laterality", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClassNotInCatalogue_IsRefused()
    {
        var liver = ctx.ClassFromCatalogue(1, "liver");
        var package = await ctx.BuildAsync(ctx.Manifest(classes: [liver with { Name = "liver_extra_lobe" }]));

        var ex = await RefusedAsync(package);
        Assert.Equal(DecoderPackageRefusal.CatalogueMismatch, ex.Reason);
        Assert.Contains("not in the catalogue", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaredSizeOverLimit_IsRefusedBeforeExtraction()
    {
        var package = await ctx.BuildAsync(ctx.Manifest(), payloadSize: 8192);

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() =>
            ctx.Model.InstallAsync(package, ctx.InstallOptions(maxBytes: 4096), CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.TooLarge, ex.Reason);
        Assert.Contains("4096", ex.Message, StringComparison.Ordinal);
        Assert.Empty(ctx.LeftoversInDecoders());
        Assert.Empty(await ctx.Model.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeclaredSizeOverLimit_ExtractWritesNoPayload()
    {
        var package = await ctx.BuildAsync(ctx.Manifest(), payloadSize: 8192);
        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions { MaxTotalBytes = 4096 });
        var destination = Path.Combine(ctx.Root, "extract");

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => reader.ExtractAsync(package, destination, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.TooLarge, ex.Reason);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public async Task EntryInflatingPastItsDeclaredSize_NeverWritesMoreThanDeclared()
    {
        // A zip whose headers claim 100 bytes for an entry that inflates to 4 MiB.
        const int Declared = 100;
        var real = new byte[4 * 1024 * 1024];
        var manifest = ctx.Manifest() with
        {
            Files = [new PackageFile("weights/decoder.bin", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(real.AsSpan(0, Declared))), Declared)],
        };
        var package = Path.Combine(ctx.Root, "bomb.zip");
        using (var stream = File.Create(package))
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("manifest.json").Open())
            {
                s.Write(manifest.ToJsonBytes());
            }

            using (var s = zip.CreateEntry("weights/decoder.bin", System.IO.Compression.CompressionLevel.Optimal).Open())
            {
                s.Write(real);
            }
        }

        var bytes = await File.ReadAllBytesAsync(package);
        var patched = PatchUncompressedSize(bytes, "weights/decoder.bin", Declared);
        Assert.Equal(2, patched);
        await File.WriteAllBytesAsync(package, bytes);

        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions { MaxTotalBytes = 1024 });
        var destination = Path.Combine(ctx.Root, "bomb-out");
        // Either the stream is cut at the declared size (and matches it) or the package is refused;
        // in no case do more than the declared bytes reach the disk.
        try
        {
            await reader.ExtractAsync(package, destination, CancellationToken.None);
            Assert.Equal(Declared, new FileInfo(Path.Combine(destination, "weights", "decoder.bin")).Length);
        }
        catch (DecoderPackageException ex)
        {
            Assert.Contains(ex.Reason, new[] { DecoderPackageRefusal.TooLarge, DecoderPackageRefusal.ChecksumMismatch });
            Assert.False(Directory.Exists(destination));
        }
    }

    [Fact]
    public async Task TooManyEntries_IsRefused()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions { MaxEntries = 2 });

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => reader.VerifyAsync(package, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.TooLarge, ex.Reason);
    }

    [Fact]
    public async Task NotAZip_IsRefusedAsInvalid()
    {
        var path = Path.Combine(ctx.Root, "junk.zip");
        await File.WriteAllTextAsync(path, "this is not a zip archive");
        var ex = await RefusedAsync(path);
        Assert.Equal(DecoderPackageRefusal.InvalidManifest, ex.Reason);
    }

    /// <summary>Sets the uncompressed size in the local and central headers of one entry; returns how many were set.</summary>
    private static int PatchUncompressedSize(byte[] zip, string name, int size)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        var patched = 0;
        for (var p = 0; p + 46 < zip.Length; p++)
        {
            var signature = BitConverter.ToUInt32(zip, p);
            var (nameLengthAt, nameAt, sizeAt) = signature switch
            {
                0x04034b50u => (26, 30, 22),
                0x02014b50u => (28, 46, 24),
                _ => (-1, -1, -1),
            };
            if (nameAt < 0 || BitConverter.ToUInt16(zip, p + nameLengthAt) != nameBytes.Length || !zip.AsSpan(p + nameAt, nameBytes.Length).SequenceEqual(nameBytes))
            {
                continue;
            }

            BitConverter.TryWriteBytes(zip.AsSpan(p + sizeAt, 4), (uint)size);
            patched++;
        }

        return patched;
    }

    private Task<DecoderPackageException> RefusedAsync(string package) =>
        Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.InstallAsync(package, ctx.InstallOptions(), CancellationToken.None));
}
