using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Pipeline;

public sealed class SegmentationPipelineTests : IDisposable
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-pipe-");

    public void Dispose() => dir.Delete(recursive: true);

    private string SaveModel(bool withBodyPart)
    {
        torch.manual_seed(11);
        var far = TinyPlans.Decoder("far", "chest", ["spinal_cord"]) with { BodyPartRange = new BodyPartRange { Min = 100, Max = 200 } };
        var plan = TinyPlans.Plan(TinyPlans.Decoder("near", "wholebody", ["spleen", "liver"]), far);
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, dir.FullName);
        if (withBodyPart)
        {
            using var regressor = new BodyPartRegressor(4);
            ModelStore.SaveBodyPart(dir.FullName, regressor, 32, 3.0);
        }

        return dir.FullName;
    }

    /// <summary>A water cylinder in a fat ring in air (HU), 1 × 1 × 2 mm voxels.</summary>
    internal static Volume<float> Phantom(int sx = 30, int sy = 28, int sz = 14)
    {
        var volume = new Volume<float>(sx, sy, sz, Affine3D.Axial(new Vec3(-20, -15, 40), new Vec3(1.0, 1.0, 2.0)));
        for (var z = 0; z < sz; z++)
        {
            for (var y = 0; y < sy; y++)
            {
                for (var x = 0; x < sx; x++)
                {
                    var r = Math.Sqrt(((x - (sx / 2.0)) * (x - (sx / 2.0))) + ((y - (sy / 2.0)) * (y - (sy / 2.0))));
                    volume[x, y, z] = r < 8 ? 60 : r < 12 ? -50 : -1000;
                }
            }
        }

        return volume;
    }

    [Fact]
    public void The_model_grid_keeps_the_physical_extent_and_orientation()
    {
        var input = new Affine3D(new Vec3(5, 6, 7), new Vec3(0, 1, 0), new Vec3(-1, 0, 0), new Vec3(0, 0, 1), new Vec3(1, 1, 2));

        var (grid, size) = SegmentationPipeline.ModelGridFor(input, new GridSize(30, 31, 10), [4.0, 1.5, 1.5]);

        Assert.Equal(new GridSize(20, 21, 5), size);
        Assert.Equal(input.AxisI, grid.AxisI);
        Assert.Equal(input.AxisJ, grid.AxisJ);
        Assert.Equal(1.5, grid.Spacing.X, 9);
        Assert.Equal(4.0, grid.Spacing.Z, 9);

        // First and last model voxels sit symmetrically inside the input's first and last voxels.
        var first = input.WorldToIndex(grid.IndexToWorld(0, 0, 0));
        var last = input.WorldToIndex(grid.IndexToWorld(size.X - 1, size.Y - 1, size.Z - 1));
        Assert.Equal(0.25, first.X, 6);
        Assert.Equal(29 - 0.25, last.X, 6);
        Assert.Equal(0.5, first.Z, 6);
        Assert.Equal(9 - 0.5, last.Z, 6);
    }

    [Fact]
    public async Task A_run_returns_labels_on_the_input_grid_and_gates_out_a_decoder_whose_range_the_scan_misses()
    {
        var model = SaveModel(withBodyPart: true);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), new SegmentationPipelineOptions { ChunkDepth = 3 }, CancellationToken.None);
        var input = Phantom();

        var result = pipeline.Run(input);

        Assert.True(pipeline.HasBodyPartModel);
        Assert.True(result.Labels.SameGrid(input));
        Assert.Equal(input.Geometry, result.Labels.Geometry);
        Assert.Equal((20, 19, 9), result.ModelGridSize);
        Assert.Equal(9, result.SliceScores.Count);
        var allowed = new HashSet<ushort> { 0, (ushort)Catalogue["spleen"].GlobalIndex, (ushort)Catalogue["liver"].GlobalIndex };
        Assert.All(result.Labels.Data.Distinct(), v => Assert.Contains(v, allowed));
        Assert.Contains(result.Labels.Data, v => v != 0);

        var near = Assert.Single(result.Decisions, d => d.DecoderId == "near");
        Assert.True(near.Ran, near.Reason);
        var far = Assert.Single(result.Decisions, d => d.DecoderId == "far");
        Assert.False(far.Ran);
        Assert.Contains("body-part range", far.Reason, StringComparison.Ordinal);
        Assert.Equal(["resample", "bodypart", "normalise", "inference", "merge", "labels", "overlaps"], result.Timings.Select(t => t.Phase));
    }

    [Fact]
    public async Task Without_a_body_part_model_every_decoder_runs_and_chunking_does_not_change_the_result_much()
    {
        var model = SaveModel(withBodyPart: false);
        var catalogue = SegmentationPipeline.CatalogueFrom(Catalogue);
        using var whole = await SegmentationPipeline.LoadAsync(model, catalogue, new SegmentationPipelineOptions { ChunkDepth = 64, SlidingWindow = new() }, CancellationToken.None);
        using var chunked = await SegmentationPipeline.LoadAsync(model, catalogue, new SegmentationPipelineOptions { ChunkDepth = 4, SlidingWindow = new() }, CancellationToken.None);
        var input = Phantom(sz: 20);

        var a = whole.Run(input);
        var b = chunked.Run(input);

        Assert.False(whole.HasBodyPartModel);
        Assert.Empty(a.SliceScores);
        Assert.All(a.Decisions, d => Assert.True(d.Ran, d.Reason));
        var same = a.Labels.Data.Zip(b.Labels.Data).Count(p => p.First == p.Second);
        Assert.True(same >= 0.9 * a.Labels.Length, $"{same} of {a.Labels.Length} voxels agree");
    }

    [Fact]
    public async Task A_selection_runs_only_the_decoders_it_names_and_a_decoder_the_model_lacks_is_refused_by_name()
    {
        var model = SaveModel(withBodyPart: false);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), new SegmentationPipelineOptions { ChunkDepth = 64 }, CancellationToken.None);
        var input = Phantom();

        var all = pipeline.Run(input);
        var onlyFar = pipeline.Run(input, ["far"]);

        Assert.All(all.Decisions, d => Assert.True(d.Ran, d.Reason));
        var near = Assert.Single(onlyFar.Decisions, d => d.DecoderId == "near");
        Assert.False(near.Ran);
        Assert.StartsWith("not selected", near.Reason, StringComparison.Ordinal);
        Assert.True(Assert.Single(onlyFar.Decisions, d => d.DecoderId == "far").Ran);

        // Only the far decoder's structure (or background) is left in the map.
        var cord = (ushort)Catalogue["spinal_cord"].GlobalIndex;
        Assert.All(onlyFar.Labels.Data.Distinct(), v => Assert.True(v == 0 || v == cord, $"label {v}"));
        Assert.Contains(all.Labels.Data, v => v != 0 && v != cord);

        var ex = Assert.Throws<SegmentationInputException>(() => pipeline.Run(input, ["far", "pancreas"]));
        Assert.Contains("'pancreas'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("enabled: near, far", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_runs_leave_no_live_tensors_behind()
    {
        var model = SaveModel(withBodyPart: true);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), new SegmentationPipelineOptions { ChunkDepth = 4 }, CancellationToken.None);
        var input = Phantom(16, 16, 10);
        _ = pipeline.Run(input);

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++)
        {
            _ = pipeline.Run(input);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public async Task A_directory_without_a_plan_is_refused_with_its_reason()
    {
        var ex = await Assert.ThrowsAsync<ModelPlanException>(() => SegmentationPipeline.LoadAsync(dir.FullName, SegmentationPipeline.CatalogueFrom(Catalogue), null, CancellationToken.None));
        Assert.Contains("plan.json", ex.Message, StringComparison.Ordinal);
    }
}
