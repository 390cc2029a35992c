using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.Tests.Contours;

public sealed class MarchingSquaresTests
{
    [Fact]
    public void Square_gives_one_outer_polygon_that_rasterises_back_exactly()
    {
        const int w = 12, h = 10;
        var mask = new byte[w * h];
        for (var y = 2; y <= 6; y++)
        {
            for (var x = 3; x <= 9; x++)
            {
                mask[(y * w) + x] = 1;
            }
        }

        var polygons = MarchingSquares.Trace(mask, w, h);

        var polygon = Assert.Single(polygons);
        Assert.False(polygon.IsHole);
        // 7×5 pixels; the midpoint outline cuts each of the four corners by an eighth of a pixel.
        Assert.Equal((7 * 5) - 0.5, polygon.SignedArea, 9);
        Assert.Equal(mask, ContourTestMasks.Rasterise(polygons, w, h));
    }

    [Fact]
    public void Annulus_gives_an_outer_polygon_and_a_hole()
    {
        const int n = 40;
        var mask = ContourTestMasks.Disk(n, n, 20, 20, 15, 6);

        var polygons = MarchingSquares.Trace(mask, n, n);

        Assert.Equal(2, polygons.Count);
        Assert.Single(polygons, p => p.IsHole);
        Assert.Equal(mask, ContourTestMasks.Rasterise(polygons, n, n));
    }

    [Fact]
    public void Diagonal_neighbours_and_islands_are_separate_polygons()
    {
        const int w = 6, h = 6;
        var mask = new byte[w * h];
        mask[(1 * w) + 1] = 1;
        mask[(2 * w) + 2] = 1; // touches the first only at a corner
        mask[(4 * w) + 4] = 1;

        var polygons = MarchingSquares.Trace(mask, w, h);

        Assert.Equal(3, polygons.Count);
        Assert.All(polygons, p => Assert.Equal(4, p.Points.Count));
        Assert.Equal(mask, ContourTestMasks.Rasterise(polygons, w, h));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_masks_round_trip_exactly(int seed)
    {
        const int w = 48, h = 37;
        var mask = ContourTestMasks.RandomBlobs(w, h, seed);

        var polygons = MarchingSquares.Trace(mask, w, h);

        Assert.Equal(mask, ContourTestMasks.Rasterise(polygons, w, h));
    }

    [Fact]
    public void Mask_touching_the_border_is_closed()
    {
        const int w = 5, h = 4;
        var mask = Enumerable.Repeat((byte)1, w * h).ToArray();

        var polygon = Assert.Single(MarchingSquares.Trace(mask, w, h));

        Assert.Equal(mask, ContourTestMasks.Rasterise([polygon], w, h));
        Assert.Contains(polygon.Points, p => p.X == -0.5);
    }

    [Fact]
    public void Wrong_mask_size_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => MarchingSquares.Trace(new byte[10], 4, 4));
    }
}
