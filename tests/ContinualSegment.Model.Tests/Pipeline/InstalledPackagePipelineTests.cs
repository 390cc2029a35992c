using ContinualSegment.Imaging;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Tests.Packages;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Pipeline;

/// <summary>A decoder that arrives as a package runs through the whole segmentation pipeline once installed.</summary>
public sealed class InstalledPackagePipelineTests : IDisposable
{
    private const string PackageId = "kidney-extra";

    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();
    private readonly PackageTestContext ctx = new();

    public void Dispose()
    {
        ctx.Dispose();
    }

    [Fact]
    public async Task An_installed_decoder_package_is_run_and_merged_until_disabled_and_again_once_enabled()
    {
        var ct = CancellationToken.None;
        torch.manual_seed(23);
        var plan = TinyPlans.Plan(TinyPlans.Decoder("near", "wholebody", ["spleen", "liver"]));
        string package;
        using (var bank = new DecoderBank(plan))
        {
            var saved = ModelStore.Save(bank, plan, ctx.ModelRoot);

            // A second decoder on the same (frozen, untouched) encoder. Its head ignores the features and its
            // bias makes kidney_left the arg-max of every voxel with a probability of about 1.
            using var extra = new Decoder(bank.EncoderPlan, TinyPlans.Decoder(PackageId, "wholebody", ["kidney_left"]));
            using (no_grad())
            {
                var head = extra.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                head["head.weight"].zero_();
                head["head.bias"].copy_(tensor(new[] { 0f, 40f }));
            }

            package = await ctx.BuildFromDecoderAsync(extra, saved.EncoderFingerprint, ctx.ClassFromCatalogue(1, "kidney_left"));
        }

        var kidney = (ushort)Catalogue["kidney_left"].GlobalIndex;
        var input = SegmentationPipelineTests.Phantom();

        var before = await RunAsync(input);
        Assert.DoesNotContain(before.Decisions, d => d.DecoderId == PackageId);
        Assert.DoesNotContain(kidney, before.Labels.Data);

        var service = new DecoderPackageService();
        var request = new DecoderInstallRequest { ModelDirectory = ctx.ModelRoot, PackagePath = package, CataloguePath = ctx.CataloguePath };
        await service.InstallAsync(request, ct);

        var installed = await RunAsync(input);
        var ran = Assert.Single(installed.Decisions, d => d.DecoderId == PackageId);
        Assert.True(ran.Ran, ran.Reason);
        Assert.Equal("package", ran.Source);
        Assert.True(Assert.Single(installed.Decisions, d => d.DecoderId == "near").Ran);
        var kidneyVoxels = installed.Labels.Data.Count(v => v == kidney);
        Assert.True(kidneyVoxels > installed.Labels.Length / 2, $"{kidneyVoxels} of {installed.Labels.Length} voxels are kidney_left");
        Assert.False(before.Labels.Data.AsSpan().SequenceEqual(installed.Labels.Data), "the installed decoder did not change the label map");

        await service.Open(ctx.ModelRoot).DisableAsync(PackageId, ct);
        var disabled = await RunAsync(input);
        var skipped = Assert.Single(disabled.Decisions, d => d.DecoderId == PackageId);
        Assert.False(skipped.Ran);
        Assert.Contains("disabled", skipped.Reason, StringComparison.Ordinal);
        Assert.True(before.Labels.Data.AsSpan().SequenceEqual(disabled.Labels.Data), "with the package disabled the labels differ from the run before the install");

        await service.Open(ctx.ModelRoot).EnableAsync(PackageId, ct);
        var enabled = await RunAsync(input);
        Assert.True(Assert.Single(enabled.Decisions, d => d.DecoderId == PackageId).Ran);
        Assert.True(installed.Labels.Data.AsSpan().SequenceEqual(enabled.Labels.Data), "re-enabling the package does not give the labels of the first run with it");

        // The decoder trained into the model is disabled the same way: then only the package runs.
        await service.Open(ctx.ModelRoot).DisableAsync("near", ct);
        var packageOnly = await RunAsync(input);
        var near = Assert.Single(packageOnly.Decisions, d => d.DecoderId == "near");
        Assert.False(near.Ran);
        Assert.Contains("disabled", near.Reason, StringComparison.Ordinal);
        Assert.True(Assert.Single(packageOnly.Decisions, d => d.DecoderId == PackageId).Ran);
        Assert.Equal(packageOnly.Labels.Length, packageOnly.Labels.Data.Count(v => v == kidney || v == 0));

        // And the package, now the only enabled decoder, cannot be disabled.
        var refused = await Assert.ThrowsAsync<DecoderPackageException>(() => service.Open(ctx.ModelRoot).DisableAsync(PackageId, ct));
        Assert.Equal(DecoderPackageRefusal.LastEnabledDecoder, refused.Reason);
    }

    private async Task<SegmentationResult> RunAsync(Volume<float> input)
    {
        using var pipeline = await SegmentationPipeline.LoadAsync(ctx.ModelRoot, SegmentationPipeline.CatalogueFrom(Catalogue), new SegmentationPipelineOptions { ChunkDepth = 64 }, CancellationToken.None);
        return pipeline.Run(input);
    }
}
