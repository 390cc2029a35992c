using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Tests.Packages;

public sealed class ModelDirectoryTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public async Task RoundTrip_BuildInstallListDisableEnableRemove()
    {
        var manifest = ctx.Manifest();
        var package = await ctx.BuildAsync(manifest);
        var model = ctx.Model;
        await model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("keeper")), ctx.InstallOptions(), CancellationToken.None);

        var installed = await model.InstallAsync(package, ctx.InstallOptions(), CancellationToken.None);
        Assert.Equal(manifest.Id, installed.Id);
        Assert.True(installed.Enabled);

        var listed = Assert.Single(await model.ListAsync(CancellationToken.None), d => d.Id == manifest.Id);
        Assert.Equal(DecoderOrigin.Package, listed.Origin);
        Assert.Equal(manifest.Version, listed.Version);
        Assert.Equal(manifest.Task, listed.Task);
        Assert.Equal(manifest.Classes.Count, listed.ClassCount);
        Assert.True(listed.Enabled);
        Assert.Null(listed.Problem);
        Assert.Equal(manifest.Metrics["meanDice"], listed.Metrics["meanDice"]);
        Assert.Empty(ctx.DisabledInStateFile());

        // The installed files are the payload, byte for byte, and the manifest kept its genotype.
        var folder = Path.Combine(ctx.ModelRoot, "decoders", manifest.Id);
        Assert.Equal(ZipSurgery.ReadEntry(package, "weights/decoder.bin"), await File.ReadAllBytesAsync(Path.Combine(folder, "weights", "decoder.bin")));
        Assert.True(System.Text.Json.JsonElement.DeepEquals(manifest.Genotype, listed.Manifest!.Genotype));
        Assert.Empty(ctx.LeftoversInDecoders());

        await model.DisableAsync(manifest.Id, CancellationToken.None);
        Assert.False(Assert.Single(await model.ListAsync(CancellationToken.None), d => d.Id == manifest.Id).Enabled);
        Assert.Equal([manifest.Id], ctx.DisabledInStateFile());

        await model.EnableAsync(manifest.Id, CancellationToken.None);
        Assert.True(Assert.Single(await model.ListAsync(CancellationToken.None), d => d.Id == manifest.Id).Enabled);

        await model.RemoveAsync(manifest.Id, CancellationToken.None);
        Assert.Equal(["keeper"], (await model.ListAsync(CancellationToken.None)).Select(d => d.Id));
        Assert.False(Directory.Exists(folder));
        Assert.Empty(ctx.DisabledInStateFile());
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Fact]
    public async Task Install_Disabled_IsListedButNotEnabled()
    {
        var package = await ctx.BuildAsync(ctx.Manifest());
        var options = ctx.InstallOptions();
        var disabled = new DecoderInstallOptions { Catalogue = options.Catalogue, Reader = options.Reader, Enable = false };
        var installed = await ctx.Model.InstallAsync(package, disabled, CancellationToken.None);
        Assert.False(installed.Enabled);
        Assert.False(Assert.Single(await ctx.Model.ListAsync(CancellationToken.None)).Enabled);
    }

    [Theory]
    [InlineData("enable")]
    [InlineData("disable")]
    [InlineData("remove")]
    public async Task UnknownDecoder_IsRefusedWithItsId(string operation)
    {
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("present")), ctx.InstallOptions(), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => operation switch
        {
            "enable" => ctx.Model.EnableAsync("absent", CancellationToken.None),
            "disable" => ctx.Model.DisableAsync("absent", CancellationToken.None),
            _ => ctx.Model.RemoveAsync("absent", CancellationToken.None),
        });
        Assert.Equal(DecoderPackageRefusal.UnknownDecoder, ex.Reason);
        Assert.Contains("'absent'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("present", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathLikeId_IsUnknownAndTouchesNothing()
    {
        var outside = Path.Combine(ctx.ModelRoot, "keep");
        Directory.CreateDirectory(outside);
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.RemoveAsync("../keep", CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.UnknownDecoder, ex.Reason);
        Assert.True(Directory.Exists(outside));
    }

    [Fact]
    public async Task SameId_IsRefusedUnlessReplaceOrNewerUpgrade()
    {
        var model = ctx.Model;
        await model.InstallAsync(await ctx.BuildAsync(ctx.Manifest(version: "1.2.0")), ctx.InstallOptions(), CancellationToken.None);

        var same = await ctx.BuildAsync(ctx.Manifest(version: "1.2.0"));
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => model.InstallAsync(same, ctx.InstallOptions(), CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.AlreadyInstalled, ex.Reason);
        Assert.Contains("1.2.0", ex.Message, StringComparison.Ordinal);

        var older = await ctx.BuildAsync(ctx.Manifest(version: "1.1.9"));
        var upgradeOlder = Options(upgrade: true);
        ex = await Assert.ThrowsAsync<DecoderPackageException>(() => model.InstallAsync(older, upgradeOlder, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.AlreadyInstalled, ex.Reason);

        var newer = await ctx.BuildAsync(ctx.Manifest(version: "1.10.0"));
        await model.InstallAsync(newer, Options(upgrade: true), CancellationToken.None);
        Assert.Equal("1.10.0", Assert.Single(await model.ListAsync(CancellationToken.None)).Version);

        await model.InstallAsync(older, Options(replace: true), CancellationToken.None);
        Assert.Equal("1.1.9", Assert.Single(await model.ListAsync(CancellationToken.None)).Version);
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Fact]
    public async Task ConcurrentInstallsOfTwoPackages_BothEndUpEnabled()
    {
        var a = await ctx.BuildAsync(ctx.Manifest("decoder-a"), payloadSize: 256 * 1024);
        var b = await ctx.BuildAsync(ctx.Manifest("decoder-b"), payloadSize: 256 * 1024);
        var c = await ctx.BuildAsync(ctx.Manifest("decoder-c"), payloadSize: 256 * 1024);

        // Separate ModelDirectory instances, as separate processes would have.
        await Task.WhenAll(
            Task.Run(() => new ModelDirectory(ctx.ModelRoot).InstallAsync(a, ctx.InstallOptions(), CancellationToken.None)),
            Task.Run(() => new ModelDirectory(ctx.ModelRoot).InstallAsync(b, ctx.InstallOptions(), CancellationToken.None)),
            Task.Run(() => new ModelDirectory(ctx.ModelRoot).InstallAsync(c, ctx.InstallOptions(), CancellationToken.None)));

        Assert.Empty(ctx.DisabledInStateFile());
        Assert.Equal(3, ctx.ChangeInStateFile());
        Assert.Equal(3, (await ctx.Model.ListAsync(CancellationToken.None)).Count(d => d.Enabled && d.Problem is null));
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Fact]
    public async Task HeldLock_MakesAChangeWaitAndTimeOut()
    {
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("held")), ctx.InstallOptions(), CancellationToken.None);
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("other")), ctx.InstallOptions(), CancellationToken.None);
        var lockPath = Path.Combine(ctx.ModelRoot, "decoders", DecoderPackageLayout.LockFile);
        var model = new ModelDirectory(ctx.ModelRoot, TimeSpan.FromMilliseconds(300));
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            await Assert.ThrowsAsync<TimeoutException>(() => model.DisableAsync("held", CancellationToken.None));
        }

        Assert.True(Assert.Single(await model.ListAsync(CancellationToken.None), d => d.Id == "held").Enabled);
        await model.DisableAsync("held", CancellationToken.None);
        Assert.False(Assert.Single(await model.ListAsync(CancellationToken.None), d => d.Id == "held").Enabled);
    }

    [Fact]
    public async Task Install_RemovesLeftoversOfAnInterruptedChange()
    {
        var decoders = Path.Combine(ctx.ModelRoot, "decoders");
        var retired = Path.Combine(decoders, ".retired-0123");
        var staleStaging = Path.Combine(decoders, ".staging-old");
        var freshStaging = Path.Combine(decoders, ".staging-new");
        foreach (var dir in new[] { retired, staleStaging, freshStaging })
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "x"), "x");
        }

        Directory.SetLastWriteTimeUtc(staleStaging, DateTime.UtcNow.AddDays(-2));
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest()), ctx.InstallOptions(), CancellationToken.None);

        Assert.False(Directory.Exists(retired));
        Assert.False(Directory.Exists(staleStaging));
        Assert.True(Directory.Exists(freshStaging));
    }

    [Fact]
    public async Task MissingPlan_IsRefusedAsInvalidModelDirectory()
    {
        File.Delete(Path.Combine(ctx.ModelRoot, "plan.json"));
        var package = await ctx.BuildAsync(ctx.Manifest());
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.InstallAsync(package, ctx.InstallOptions(), CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.InvalidModelDirectory, ex.Reason);
        Assert.Contains("plan.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanWithoutFingerprint_IsRefusedAsInvalidModelDirectory()
    {
        await File.WriteAllTextAsync(Path.Combine(ctx.ModelRoot, "plan.json"), """{"format":"x"}""");
        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.ReadEncoderFingerprintAsync(CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.InvalidModelDirectory, ex.Reason);
        Assert.Contains("encoderFingerprint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenInstalledManifest_IsListedWithAProblem()
    {
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("good")), ctx.InstallOptions(), CancellationToken.None);
        var broken = Path.Combine(ctx.ModelRoot, "decoders", "broken");
        Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "manifest.json"), "{ not json");
        var list = await ctx.Model.ListAsync(CancellationToken.None);
        Assert.Equal(["broken", "good"], list.Select(d => d.Id));
        Assert.NotNull(list[0].Problem);
        Assert.Null(list[1].Problem);
    }

    private DecoderInstallOptions Options(bool replace = false, bool upgrade = false)
    {
        var o = ctx.InstallOptions();
        return new DecoderInstallOptions { Catalogue = o.Catalogue, Reader = o.Reader, Replace = replace, Upgrade = upgrade };
    }
}
