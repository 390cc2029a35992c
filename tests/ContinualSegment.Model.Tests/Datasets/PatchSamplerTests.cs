using ContinualSegment.Model.Datasets;

namespace ContinualSegment.Model.Tests.Datasets;

public sealed class PatchSamplerTests
{
    [Fact]
    public void Foreground_is_oversampled_at_the_configured_rate()
    {
        // A 2×2×2 cube in a 32×32×32 case: a uniform 8³ patch rarely touches it.
        var c = SyntheticCases.Cube("a", 32, 32, 32, (20, 4, 10), 2);
        var sampler = new PatchSampler([c], [8, 8, 8], foregroundFraction: 0.4, seed: 1);
        var random = new Random(3);
        const int draws = 3000;
        var forced = 0;
        var withForeground = 0;
        for (var i = 0; i < draws; i++)
        {
            var p = sampler.Sample(random);
            var hasFg = p.Labels.Any(l => l > 0);
            if (p.ForcedForeground)
            {
                forced++;
                Assert.True(hasFg);

                // The centre voxel of a forced patch is foreground.
                Assert.Equal(1, p.Labels[(((4 * 8) + 4) * 8) + 4]);
            }

            withForeground += hasFg ? 1 : 0;
        }

        var rate = (double)forced / draws;
        Assert.InRange(rate, 0.36, 0.44);

        // Without oversampling far fewer patches contain foreground.
        var plain = new PatchSampler([c], [8, 8, 8], foregroundFraction: 0, seed: 1);
        var plainRandom = new Random(3);
        var plainFg = Enumerable.Range(0, draws).Count(_ => plain.Sample(plainRandom).Labels.Any(l => l > 0));
        Assert.True(withForeground > plainFg + (draws / 4), $"{withForeground} vs {plainFg}");
    }

    [Fact]
    public void Patches_larger_than_the_case_are_padded_and_keep_alignment()
    {
        var c = SyntheticCases.Cube("small", 4, 6, 6, (1, 2, 2), 2);
        c.Image[0] = -3; // the case minimum is the image pad value
        var sampler = new PatchSampler([c], [8, 8, 8], foregroundFraction: 1, seed: 0);
        var p = sampler.Sample(new Random(1));
        Assert.True(p.ForcedForeground);
        Assert.Equal(8 * 8 * 8, p.Labels.Length);
        Assert.Equal(8, c.Labels.Count(l => l > 0));
        Assert.Equal(8, p.Labels.Count(l => l > 0));
        for (var i = 0; i < p.Labels.Length; i++)
        {
            var z = (i / 64) + p.Start[0];
            var y = (i / 8 % 8) + p.Start[1];
            var x = (i % 8) + p.Start[2];
            var inside = z >= 0 && z < 4 && y >= 0 && y < 6 && x >= 0 && x < 6;
            var expectedImage = inside ? c.Image[(((z * 6) + y) * 6) + x] : -3f;
            Assert.Equal(expectedImage, p.Image[i]);
            Assert.Equal(p.Labels[i] > 0, p.Image[i] == 1f);
        }
    }

    [Fact]
    public void The_same_seed_draws_the_same_patches()
    {
        var c = SyntheticCases.Cube("a", 16, 16, 16, (3, 5, 7), 4);
        var sampler = new PatchSampler([c], [8, 8, 8]);
        var a = Enumerable.Range(0, 20).Select(_ => sampler.Sample(new Random(9))).ToList();
        var r1 = new Random(5);
        var r2 = new Random(5);
        for (var i = 0; i < 20; i++)
        {
            var p1 = sampler.Sample(r1);
            var p2 = sampler.Sample(r2);
            Assert.Equal(p1.Start, p2.Start);
            Assert.Equal(p1.Labels, p2.Labels);
        }

        Assert.All(a, p => Assert.Equal(a[0].Start, p.Start));
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        var c = SyntheticCases.Cube("a", 8, 8, 8, (0, 0, 0), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PatchSampler([c], [4, 4, 4], 1.5));
        Assert.Throws<ArgumentException>(() => new PatchSampler([c], [4, 4]));
        Assert.Throws<ArgumentException>(() => new PatchSampler([], [4, 4, 4]));
    }
}
