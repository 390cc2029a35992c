using ContinualSegment.Model.Datasets;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests.Datasets;

public sealed class PatchAugmenterTests
{
    [Fact]
    public void Spatial_augmentation_moves_the_labels_with_the_image()
    {
        // An off-centre cube: rotation, scaling, displacement and mirroring all move it.
        var c = SyntheticCases.Cube("cube", 16, 24, 24, (4, 3, 12), 7);
        var options = new AugmentationOptions
        {
            RotationProbability = 1,
            MaxRotationDegrees = 30,
            ScaleProbability = 1,
            ElasticProbability = 1,
            ElasticMagnitude = 0.05,
            MirrorProbability = 0.5,
            BrightnessProbability = 0,
            ContrastProbability = 0,
            GammaProbability = 0,
            NoiseProbability = 0,
        };
        var augmenter = new PatchAugmenter(options);
        using var image = tensor(c.Image).reshape(1, 16, 24, 24);
        using var labels = tensor(c.Labels.Select(v => (long)v).ToArray()).reshape(16, 24, 24);
        var moved = 0;
        for (var seed = 0; seed < 6; seed++)
        {
            var (img, lab) = augmenter.Apply(image, labels, new Random(seed));
            using (img)
            using (lab)
            {
                var bright = img.squeeze(0).GreaterThan(0.5).data<bool>().ToArray();
                var fg = lab.data<long>().ToArray().Select(v => v > 0).ToArray();
                var inter = bright.Zip(fg).Count(p => p.First && p.Second);
                var union = bright.Zip(fg).Count(p => p.First || p.Second);
                Assert.True(union > 0);
                Assert.True((double)inter / union > 0.85, $"seed {seed}: IoU {(double)inter / union:F3}");
                if (!fg.SequenceEqual(c.Labels.Select(v => v > 0)))
                {
                    moved++;
                }
            }
        }

        Assert.True(moved >= 5, $"only {moved} of 6 augmentations moved the cube");
    }

    [Fact]
    public void Augmentation_is_deterministic_per_seed_and_intensity_changes_leave_labels_alone()
    {
        var c = SyntheticCases.Cube("cube", 8, 16, 16, (2, 4, 4), 5);
        var augmenter = new PatchAugmenter(new AugmentationOptions
        {
            RotationProbability = 0,
            ScaleProbability = 0,
            MirrorProbability = 0,
            BrightnessProbability = 1,
            ContrastProbability = 1,
            GammaProbability = 1,
            NoiseProbability = 1,
        });
        using var image = tensor(c.Image).reshape(1, 8, 16, 16);
        using var labels = tensor(c.Labels.Select(v => (long)v).ToArray()).reshape(8, 16, 16);
        var (a, la) = augmenter.Apply(image, labels, new Random(11));
        var (b, lb) = augmenter.Apply(image, labels, new Random(11));
        var (d, ld) = augmenter.Apply(image, labels, new Random(12));
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.NotEqual(a.data<float>().ToArray(), d.data<float>().ToArray());
        Assert.NotEqual(c.Image, a.data<float>().ToArray());
        Assert.Equal(c.Labels.Select(v => (long)v), la.data<long>().ToArray());
        Assert.Equal(c.Labels.Select(v => (long)v), ld.data<long>().ToArray());
        foreach (var t in new[] { a, la, b, lb, d, ld })
        {
            t.Dispose();
        }
    }
}
