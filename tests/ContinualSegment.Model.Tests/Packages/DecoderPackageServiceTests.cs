using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Tests.Packages;

public sealed class DecoderPackageServiceTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public async Task Keygen_package_verify_and_install_return_what_they_did()
    {
        var service = new DecoderPackageService();
        var ct = CancellationToken.None;
        var privateKey = Path.Combine(ctx.Root, "signing.pem");
        var publicKey = Path.Combine(ctx.Root, "signing.pub.pem");
        var pair = await DecoderPackageService.KeygenAsync(privateKey, publicKey, ct);
        Assert.Equal(PackageSigningKeys.KeyId(await File.ReadAllTextAsync(publicKey, ct)), pair.KeyId);

        var template = Path.Combine(ctx.Root, "manifest.template.json");
        await File.WriteAllBytesAsync(template, ctx.Manifest("svc-decoder", "1.2.0").ToJsonBytes(), ct);
        var (extra, _) = ctx.Payload("calibration.json", 50, 3);
        var (weights, _) = ctx.Payload("decoder.bin", 64, 4);
        var package = Path.Combine(ctx.Root, "svc.cseg-decoder.zip");

        var built = await DecoderPackageService.PackageAsync(template, [$"calibration.json={extra}", $"weights/decoder.bin={weights}"], null, package, privateKey, ct);
        Assert.Equal(2, built.Manifest.Files.Count);
        Assert.Equal(pair.KeyId, built.SignerKeyId);

        var verified = await DecoderPackageService.VerifyAsync(package, [publicKey], requireSignature: true, ct);
        Assert.Equal(SignatureStatus.Verified, verified.Signature);

        var installed = await service.InstallAsync(new DecoderInstallRequest { ModelDirectory = ctx.ModelRoot, PackagePath = package, CataloguePath = ctx.CataloguePath, TrustedKeyFiles = [publicKey] }, ct);
        Assert.Equal("svc-decoder", installed.Id);
        Assert.True(installed.Enabled);
        await Assert.ThrowsAsync<ArgumentException>(() => DecoderPackageService.PackageAsync(template, ["no-equals-sign"], null, package, null, ct));
    }
}
