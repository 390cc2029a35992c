using ContinualSegment.Cli.Commands;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Tests.Packages;

namespace ContinualSegment.Cli.Tests;

public sealed class DecoderPackageCommandsTests : IDisposable
{
    private readonly PackageTestContext ctx = new();
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public void Dispose()
    {
        output.Dispose();
        error.Dispose();
        ctx.Dispose();
    }

    [Fact]
    public async Task PackageInstallListDisableRemove_ThroughTheCommandService()
    {
        var commands = new DecoderPackageCommands(output, error);
        var ct = CancellationToken.None;
        var privateKey = Path.Combine(ctx.Root, "signing.pem");
        var publicKey = Path.Combine(ctx.Root, "signing.pub.pem");
        Assert.Equal(0, await commands.KeygenAsync(privateKey, publicKey, ct));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        }

        var template = Path.Combine(ctx.Root, "manifest.template.json");
        await File.WriteAllBytesAsync(template, ctx.Manifest("cli-decoder", "2.0.0").ToJsonBytes());
        var payloadDir = Path.Combine(ctx.Root, "payload");
        Directory.CreateDirectory(Path.Combine(payloadDir, "weights"));
        await File.WriteAllBytesAsync(Path.Combine(payloadDir, "weights", "decoder.bin"), new byte[333]);
        var (extra, _) = ctx.Payload("calibration.json", 50, 3);
        var package = Path.Combine(ctx.Root, "cli.cseg-decoder.zip");

        Assert.Equal(0, await commands.PackageAsync(template, [$"calibration.json={extra}"], payloadDir, package, privateKey, ct));
        Assert.Contains("2 file(s)", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, await commands.VerifyAsync(package, [publicKey], requireSignature: true, ct));
        Assert.Contains("verified", output.ToString(), StringComparison.Ordinal);

        var request = new DecoderInstallRequest
        {
            ModelDirectory = ctx.ModelRoot,
            PackagePath = package,
            CataloguePath = ctx.CataloguePath,
            TrustedKeyFiles = [publicKey],
            RequireSignature = true,
        };
        Assert.Equal(0, await commands.InstallAsync(request, ct));
        Assert.Equal(0, await commands.ListAsync(ctx.ModelRoot, ct));
        Assert.Contains("id\tversion\ttask\tclasses\tenabled\torigin\tmetrics", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("cli-decoder\t2.0.0\tabdomen\t3\tyes\tpackage\tliverDice=0.93 meanDice=0.87", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(DecoderPackageCommands.ExitRefused, await commands.InstallAsync(request, ct));
        Assert.Contains("refused (AlreadyInstalled)", error.ToString(), StringComparison.Ordinal);

        // The only enabled decoder is neither disabled nor removed.
        Assert.Equal(DecoderPackageCommands.ExitRefused, await commands.DisableAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Contains("refused (LastEnabledDecoder)", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(DecoderPackageCommands.ExitRefused, await commands.RemoveAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Empty(ctx.DisabledInStateFile());

        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("other")), ctx.InstallOptions(), ct);
        Assert.Equal(0, await commands.DisableAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Equal(["cli-decoder"], ctx.DisabledInStateFile());
        Assert.Equal(0, await commands.EnableAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Empty(ctx.DisabledInStateFile());
        Assert.Equal(0, await commands.RemoveAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Equal(DecoderPackageCommands.ExitRefused, await commands.RemoveAsync(ctx.ModelRoot, "cli-decoder", ct));
        Assert.Contains("refused (UnknownDecoder)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedPackageWithRequiredSignature_ExitsRefusedWithTheReason()
    {
        var commands = new DecoderPackageCommands(output, error);
        var package = await ctx.BuildAsync(ctx.Manifest());
        var request = new DecoderInstallRequest { ModelDirectory = ctx.ModelRoot, PackagePath = package, CataloguePath = ctx.CataloguePath, RequireSignature = true };

        Assert.Equal(DecoderPackageCommands.ExitRefused, await commands.InstallAsync(request, CancellationToken.None));
        Assert.Equal("refused (NotSigned): package is not signed and signatures are required", error.ToString().Trim());
    }
}
