using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Tests.Packages;

public sealed class DecoderPackageSignatureTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public async Task UnsignedButRequired_IsRefused()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var (_, publicPem) = PackageSigningKeys.Create();

        var ex = await InstallAsync(package, SignaturePolicy.Required, publicPem);
        Assert.Equal(DecoderPackageRefusal.NotSigned, ex.Reason);
        Assert.Equal("package is not signed and signatures are required", ex.Message);
        Assert.Empty(await ctx.Model.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UnsignedWithOptionalPolicy_Installs()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions());
        var verified = await reader.VerifyAsync(package, CancellationToken.None);
        Assert.Equal(SignatureStatus.Unsigned, verified.Signature);
        Assert.Null(verified.SignerKeyId);
    }

    [Fact]
    public async Task SignedByTrustedKey_InstallsAndKeepsTheSignature()
    {
        var (privatePem, publicPem) = PackageSigningKeys.Create();
        var package = await ctx.BuildAsync(ctx.Manifest(), privatePem);

        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions { SignaturePolicy = SignaturePolicy.Required, TrustedPublicKeys = [publicPem] });
        var verified = await reader.VerifyAsync(package, CancellationToken.None);
        Assert.Equal(SignatureStatus.Verified, verified.Signature);
        Assert.Equal(PackageSigningKeys.KeyId(publicPem), verified.SignerKeyId);

        var installed = await ctx.Model.InstallAsync(package, ctx.InstallOptions(SignaturePolicy.Required, [publicPem]), CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(installed.Directory, "manifest.sig")));
    }

    [Fact]
    public async Task SignedByUntrustedKey_IsRefused()
    {
        var (privatePem, _) = PackageSigningKeys.Create();
        var (_, otherPublic) = PackageSigningKeys.Create();
        var package = await ctx.BuildAsync(ctx.Manifest(), privatePem);

        foreach (var policy in new[] { SignaturePolicy.Optional, SignaturePolicy.Required })
        {
            var ex = await InstallAsync(package, policy, otherPublic);
            Assert.Equal(DecoderPackageRefusal.UntrustedSignature, ex.Reason);
            Assert.Contains(PackageSigningKeys.KeyId(privatePem)[..16], ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SignedButNoTrustedKeysAndRequired_IsRefused()
    {
        var (privatePem, _) = PackageSigningKeys.Create();
        var package = await ctx.BuildAsync(ctx.Manifest(), privatePem);
        var options = new DecoderInstallOptions { Catalogue = ctx.Catalogue, Reader = new DecoderPackageReaderOptions { SignaturePolicy = SignaturePolicy.Required } };

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.InstallAsync(package, options, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.UntrustedSignature, ex.Reason);
    }

    [Fact]
    public async Task TamperedSignedManifestWithConsistentHashes_IsBadSignature()
    {
        var (privatePem, publicPem) = PackageSigningKeys.Create();
        var package = await ctx.BuildAsync(ctx.Manifest(), privatePem);

        // Raise the advertised Dice: every file hash in the manifest stays valid, only the signature can tell.
        var manifest = JsonNode.Parse(ZipSurgery.ReadEntry(package, "manifest.json"))!;
        manifest["metrics"]!["meanDice"] = 0.99;
        ZipSurgery.WriteEntry(package, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));

        // Without trusted keys and an optional policy the altered manifest is internally consistent.
        var lax = new DecoderPackageReader(new DecoderPackageReaderOptions());
        Assert.Equal(0.99, (await lax.VerifyAsync(package, CancellationToken.None)).Manifest.Metrics["meanDice"]);

        var ex = await InstallAsync(package, SignaturePolicy.Optional, publicPem);
        Assert.Equal(DecoderPackageRefusal.BadSignature, ex.Reason);
    }

    [Fact]
    public async Task SwappedWeightsInSignedPackage_IsChecksumMismatch()
    {
        var (privatePem, publicPem) = PackageSigningKeys.Create();
        var package = await ctx.BuildAsync(ctx.Manifest(), privatePem);
        var weights = ZipSurgery.ReadEntry(package, "weights/decoder.bin");
        Array.Reverse(weights);
        ZipSurgery.WriteEntry(package, "weights/decoder.bin", weights);

        var ex = await InstallAsync(package, SignaturePolicy.Required, publicPem);
        Assert.Equal(DecoderPackageRefusal.ChecksumMismatch, ex.Reason);
    }

    [Fact]
    public async Task Build_IsDeterministic()
    {
        var (privatePem, _) = PackageSigningKeys.Create();
        var manifest = ctx.Manifest();
        var (weights, _) = ctx.Payload("decoder.bin", 5000, 1);
        var first = Path.Combine(ctx.Root, "first.zip");
        var second = Path.Combine(ctx.Root, "second.zip");
        await DecoderPackageBuilder.BuildAsync(manifest, [new PackagePayload("weights/decoder.bin", weights)], first, null, CancellationToken.None);
        await Task.Delay(1100);
        await DecoderPackageBuilder.BuildAsync(manifest, [new PackagePayload("weights/decoder.bin", weights)], second, null, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));

        // Entry order is fixed: manifest first, then the signature, then the payload by path.
        var signed = await ctx.BuildAsync(manifest, privatePem);
        using var zip = System.IO.Compression.ZipFile.OpenRead(signed);
        Assert.Equal(["manifest.json", "manifest.sig", "notes.txt", "weights/decoder.bin"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(DecoderPackageBuilder.EntryTimestamp.Year, e.LastWriteTime.Year));
    }

    [Fact]
    public async Task OpenSslSignature_IsAcceptedAndOurSignatureVerifiesWithOpenSsl()
    {
        var work = Path.Combine(ctx.Root, "openssl");
        Directory.CreateDirectory(work);
        var keyPath = Path.Combine(work, "key.pem");
        var pubPath = Path.Combine(work, "pub.pem");
        await RunOpenSslAsync(work, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath);
        await RunOpenSslAsync(work, "ec", "-in", keyPath, "-pubout", "-out", pubPath);
        var publicPem = await File.ReadAllTextAsync(pubPath);

        // openssl signs the manifest of an unsigned package; the signature is wrapped into manifest.sig.
        var package = await ctx.BuildAsync(ctx.Manifest());
        var manifestPath = Path.Combine(work, "manifest.json");
        await File.WriteAllBytesAsync(manifestPath, ZipSurgery.ReadEntry(package, "manifest.json"));
        var sigPath = Path.Combine(work, "manifest.der");
        await RunOpenSslAsync(work, "dgst", "-sha256", "-sign", keyPath, "-out", sigPath, manifestPath);
        var wrapper = new PackageSignature { KeyId = PackageSigningKeys.KeyId(publicPem), Signature = Convert.ToBase64String(await File.ReadAllBytesAsync(sigPath)) };
        ZipSurgery.WriteEntry(package, "manifest.sig", wrapper.ToJsonBytes());

        var reader = new DecoderPackageReader(new DecoderPackageReaderOptions { SignaturePolicy = SignaturePolicy.Required, TrustedPublicKeys = [publicPem] });
        Assert.Equal(SignatureStatus.Verified, (await reader.VerifyAsync(package, CancellationToken.None)).Signature);

        // And the other way round: our signature, made with openssl's key, verifies with openssl.
        var manifestBytes = await File.ReadAllBytesAsync(manifestPath);
        var privatePem = await File.ReadAllTextAsync(keyPath);
        var ours = PackageSignature.Create(manifestBytes, privatePem);
        await File.WriteAllBytesAsync(sigPath, Convert.FromBase64String(ours.Signature));
        var output = await RunOpenSslAsync(work, "dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, manifestPath);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }

    private async Task<DecoderPackageException> InstallAsync(string package, SignaturePolicy policy, string trustedPublicPem) =>
        await Assert.ThrowsAsync<DecoderPackageException>(() =>
            ctx.Model.InstallAsync(package, ctx.InstallOptions(policy, [trustedPublicPem]), CancellationToken.None));

    private static async Task<string> RunOpenSslAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }
}
