using System.Text.Json.Nodes;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Tests.Packages;

/// <summary>
/// One notion of decoder: the decoders trained into a model (plan.json + decoders/&lt;id&gt;.bin) and installed packages
/// are listed, enabled, disabled and removed alike, with their state in one file that carries a change counter.
/// </summary>
public sealed class DecoderStateTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public async Task TrainedAndInstalledDecoders_AreListedTogetherInPipelineOrder()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]), TinyPlans.Decoder("chest", "chest", ["heart"]));
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("abdomen-extra", "2.1.0")), ctx.InstallOptions(), CancellationToken.None);

        var list = await ctx.Model.ListAsync(CancellationToken.None);

        Assert.Equal(["wholebody", "chest", "abdomen-extra"], list.Select(d => d.Id));
        Assert.Equal([DecoderOrigin.Model, DecoderOrigin.Model, DecoderOrigin.Package], list.Select(d => d.Origin));
        Assert.All(list, d => Assert.True(d.Enabled));
        Assert.All(list, d => Assert.Null(d.Problem));
        Assert.Equal(["1.0.0", "1.0.0", "2.1.0"], list.Select(d => d.Version));
        Assert.Equal([2, 1, 3], list.Select(d => d.ClassCount));
        Assert.Equal("chest", list[1].Task);
        Assert.EndsWith(Path.Combine("decoders", "chest.bin"), list[1].WeightsPath, StringComparison.Ordinal);
        Assert.Null(list[0].Provenance);
        Assert.Equal("phantom-d2", list[2].Provenance!.Dataset);
    }

    [Fact]
    public async Task ATrainedDecoder_IsDisabledEnabledAndRemovedLikeAPackage()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]), TinyPlans.Decoder("chest", "chest", ["heart"]));
        var model = ctx.Model;

        await model.DisableAsync("chest", CancellationToken.None);
        Assert.Equal(["chest"], ctx.DisabledInStateFile());
        Assert.Equal(["wholebody"], await model.ReadEnabledAsync(CancellationToken.None));

        await model.EnableAsync("chest", CancellationToken.None);
        Assert.Empty(ctx.DisabledInStateFile());
        Assert.Equal(["wholebody", "chest"], await model.ReadEnabledAsync(CancellationToken.None));

        await model.RemoveAsync("chest", CancellationToken.None);
        Assert.Equal(["wholebody"], (await model.ListAsync(CancellationToken.None)).Select(d => d.Id));
        Assert.Equal(["wholebody"], ModelPlanSerializer.Load(Path.Combine(ctx.ModelRoot, "plan.json")).Decoders.Select(d => d.Id));
        Assert.False(File.Exists(Path.Combine(ctx.ModelRoot, "decoders", "chest.bin")));
        Assert.True(File.Exists(Path.Combine(ctx.ModelRoot, "decoders", "wholebody.bin")));
        Assert.Empty(ctx.LeftoversInDecoders());
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("remove")]
    public async Task TheLastEnabledDecoder_CannotBeDisabledOrRemoved(string operation)
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]));
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("extra")), ctx.InstallOptions(), CancellationToken.None);
        await ctx.Model.DisableAsync("extra", CancellationToken.None);
        var change = ctx.ChangeInStateFile();
        var planBefore = await File.ReadAllBytesAsync(Path.Combine(ctx.ModelRoot, "plan.json"));

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => operation == "disable"
            ? ctx.Model.DisableAsync("wholebody", CancellationToken.None)
            : ctx.Model.RemoveAsync("wholebody", CancellationToken.None));

        Assert.Equal(DecoderPackageRefusal.LastEnabledDecoder, ex.Reason);
        Assert.Contains("'wholebody'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("only enabled decoder", ex.Message, StringComparison.Ordinal);

        // Nothing was lost or changed.
        Assert.Equal(change, ctx.ChangeInStateFile());
        Assert.Equal(planBefore, await File.ReadAllBytesAsync(Path.Combine(ctx.ModelRoot, "plan.json")));
        Assert.True(File.Exists(Path.Combine(ctx.ModelRoot, "decoders", "wholebody.bin")));
        Assert.Equal(["wholebody"], await ctx.Model.ReadEnabledAsync(CancellationToken.None));

        // A disabled decoder may still go, and once another is enabled the first may be disabled.
        await ctx.Model.EnableAsync("extra", CancellationToken.None);
        await ctx.Model.DisableAsync("wholebody", CancellationToken.None);
        Assert.Equal(["extra"], await ctx.Model.ReadEnabledAsync(CancellationToken.None));
    }

    [Fact]
    public async Task EveryChange_IsCountedInTheStateFileAndTheStamp()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]));
        var model = ctx.Model;
        Assert.False(File.Exists(model.StatePath));
        Assert.Equal(0, (await model.ReadStateAsync(CancellationToken.None)).Change);
        var stamps = new List<ModelDirectoryStamp> { await model.ReadStampAsync(CancellationToken.None) };
        Assert.Equal(stamps[0], await model.ReadStampAsync(CancellationToken.None));

        await model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("extra")), ctx.InstallOptions(), CancellationToken.None);
        stamps.Add(await model.ReadStampAsync(CancellationToken.None));
        await model.DisableAsync("extra", CancellationToken.None);
        stamps.Add(await model.ReadStampAsync(CancellationToken.None));
        await model.DisableAsync("extra", CancellationToken.None); // no change: not counted
        stamps.Add(await model.ReadStampAsync(CancellationToken.None));
        await model.EnableAsync("extra", CancellationToken.None);
        stamps.Add(await model.ReadStampAsync(CancellationToken.None));
        await model.RemoveAsync("wholebody", CancellationToken.None);
        stamps.Add(await model.ReadStampAsync(CancellationToken.None));

        Assert.Equal([0L, 1, 2, 2, 3, 4], stamps.Select(s => s.Change));
        Assert.NotEqual(stamps[4], stamps[5]);
        Assert.Equal(stamps[2], stamps[3]);
        Assert.Equal(4, ctx.ChangeInStateFile());
        var state = JsonNode.Parse(await File.ReadAllTextAsync(model.StatePath))!;
        Assert.Equal(ModelDirectory.StateFormat, state["format"]!.GetValue<string>());

        // Written by temporary file and rename: only state.json and the lock are left beside the decoders.
        Assert.Equal([".lock", "extra", "state.json"], Directory.EnumerateFileSystemEntries(Path.Combine(ctx.ModelRoot, "decoders")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnInstallOverATrainedDecoder_IsRefusedUnlessReplaced()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]), TinyPlans.Decoder("abdomen-extra", "abdomen", ["liver"]));
        var package = await ctx.BuildAsync(ctx.Manifest("abdomen-extra", "1.0.0"));

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.InstallAsync(package, ctx.InstallOptions(), CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.AlreadyInstalled, ex.Reason);
        Assert.Equal(DecoderOrigin.Model, (await ctx.Model.ListAsync(CancellationToken.None))[1].Origin);

        var o = ctx.InstallOptions();
        await ctx.Model.InstallAsync(package, new DecoderInstallOptions { Catalogue = o.Catalogue, Reader = o.Reader, Replace = true }, CancellationToken.None);
        var list = await ctx.Model.ListAsync(CancellationToken.None);
        Assert.Equal(["wholebody", "abdomen-extra"], list.Select(d => d.Id));
        Assert.Equal(DecoderOrigin.Package, list[1].Origin);
        Assert.False(File.Exists(Path.Combine(ctx.ModelRoot, "decoders", "abdomen-extra.bin")));
        Assert.Null(ModelPlanSerializer.Load(Path.Combine(ctx.ModelRoot, "plan.json")).FindDecoder("abdomen-extra"));
    }

    [Fact]
    public async Task AFirstFormatStateFile_IsStillRead()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]));
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("on")), ctx.InstallOptions(), CancellationToken.None);
        await ctx.Model.InstallAsync(await ctx.BuildAsync(ctx.Manifest("off")), ctx.InstallOptions(), CancellationToken.None);
        await File.WriteAllTextAsync(ctx.Model.StatePath, """{"format": "cseg-decoder-state/1", "enabled": ["on"]}""");

        var list = await ctx.Model.ListAsync(CancellationToken.None);

        Assert.Equal(["wholebody", "off", "on"], list.Select(d => d.Id));
        Assert.Equal([true, false, true], list.Select(d => d.Enabled));
    }

    [Fact]
    public async Task AMalformedStateFile_IsAnErrorNotAnEmptyModel()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]));
        await File.WriteAllTextAsync(ctx.Model.StatePath, """{"format": "cseg-decoder-state/2", "disabled": "wholebody"}""");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ctx.Model.ListAsync(CancellationToken.None));
        Assert.Contains("state.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OfATrainedDecoderWithoutProvenance_IsRefusedUntilItIsGiven()
    {
        ctx.WritePlanWith(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]));
        var output = Path.Combine(ctx.Root, "out.cseg-decoder.zip");

        var ex = await Assert.ThrowsAsync<DecoderPackageException>(() => ctx.Model.ExportAsync("wholebody", output, new DecoderExportOptions { Catalogue = ctx.Catalogue }, CancellationToken.None));
        Assert.Equal(DecoderPackageRefusal.ProvenanceUnknown, ex.Reason);
        Assert.False(File.Exists(output));

        var given = new TrainingProvenance { Dataset = "phantom-wholebody", Cases = 8, TrainedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), SoftwareVersion = "0.1.0", Seed = 5 };
        var built = await ctx.Model.ExportAsync("wholebody", output, new DecoderExportOptions { Catalogue = ctx.Catalogue, Provenance = given, Version = "1.2.3" }, CancellationToken.None);

        var m = built.Manifest;
        Assert.Equal(("wholebody", "1.2.3", "wholebody"), (m.Id, m.Version, m.Task));
        Assert.Equal(["spleen", "liver"], m.Classes.Select(c => c.Name));
        Assert.Equal([1, 2], m.Classes.Select(c => c.Label));
        Assert.True(m.Classes[1].Type.SameCodeAs(ctx.Catalogue["liver"].Type));
        Assert.Equal(ctx.EncoderFingerprint, m.EncoderFingerprint);
        Assert.Equal(new BodyPartScoreRange(-10, 10), m.BodyPartRange);
        Assert.Equal(given, m.Provenance);
        Assert.Equal(ModelDirectory.ExportedWeightsPath, Assert.Single(m.Files).Path);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ctx.ModelRoot, "decoders", "wholebody.bin")), ZipSurgery.ReadEntry(output, ModelDirectory.ExportedWeightsPath));
        var plan = ModelPlanSerializer.ParseDecoder(m.Plan.GetRawText(), TinyPlans.Encoder().Stages.Count);
        Assert.Equal(["spleen", "liver"], plan.Classes);
        Assert.Equal(ctx.EncoderFingerprint, plan.EncoderFingerprint);

        // A recorded provenance is used as it is, with the recorded metrics.
        var recorded = given with { Dataset = "recorded-set", Cases = 3 };
        ModelDirectory.WriteRecord(ctx.ModelRoot, "wholebody", new DecoderRecord { Provenance = recorded, Metrics = new Dictionary<string, double> { ["validationDice"] = 0.5 } });
        var again = await ctx.Model.ExportAsync("wholebody", output, new DecoderExportOptions { Catalogue = ctx.Catalogue, Provenance = given }, CancellationToken.None);
        Assert.Equal(recorded, again.Manifest.Provenance);
        Assert.Equal(0.5, again.Manifest.Metrics["validationDice"]);
        Assert.Equal(0.5, (await ctx.Model.ListAsync(CancellationToken.None))[0].Metrics["validationDice"]);
    }
}
