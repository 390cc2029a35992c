using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// Spatial (rotation about z, scaling, smooth displacement, mirroring) and intensity (brightness,
/// contrast, gamma, noise) augmentation of one patch. The image is resampled trilinearly and the
/// labels with nearest neighbour through the same sampling grid, so they stay aligned. Every random
/// draw comes from the <see cref="Random"/> passed in, so a seed reproduces the result.
/// </summary>
public sealed class PatchAugmenter
{
    private readonly AugmentationOptions options;

    /// <summary>Creates an augmenter; <paramref name="options"/> are validated.</summary>
    public PatchAugmenter(AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>
    /// Augments <paramref name="image"/> [C, D, H, W] (float32) and <paramref name="labels"/> [D, H, W]
    /// (int64); returns new tensors owned by the caller.
    /// </summary>
    public (Tensor Image, Tensor Labels) Apply(Tensor image, Tensor labels, Random random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        if (image.dim() != 4 || labels.dim() != 3 || !image.shape.Skip(1).SequenceEqual(labels.shape))
        {
            throw new ArgumentException("expected image [C,D,H,W] and labels [D,H,W]");
        }

        // Draw every parameter first, in a fixed order, so the sequence of draws is the same whatever is applied.
        var rotate = random.NextDouble() < options.RotationProbability;
        var angle = ((random.NextDouble() * 2) - 1) * options.MaxRotationDegrees * Math.PI / 180;
        var scaleIt = random.NextDouble() < options.ScaleProbability;
        var scale = options.MinScale + (random.NextDouble() * (options.MaxScale - options.MinScale));
        var elastic = random.NextDouble() < options.ElasticProbability;
        var k = options.ElasticControlPoints;
        var control = new float[3 * k * k * k];
        for (var i = 0; i < control.Length; i++)
        {
            control[i] = (float)(((random.NextDouble() * 2) - 1) * options.ElasticMagnitude);
        }

        var mirror = new bool[3];
        for (var a = 0; a < 3; a++)
        {
            mirror[a] = random.NextDouble() < options.MirrorProbability;
        }

        var brightness = random.NextDouble() < options.BrightnessProbability;
        var brightnessFactor = 1 + (((random.NextDouble() * 2) - 1) * options.IntensityFactorSpread);
        var contrast = random.NextDouble() < options.ContrastProbability;
        var contrastFactor = 1 + (((random.NextDouble() * 2) - 1) * options.IntensityFactorSpread);
        var gamma = random.NextDouble() < options.GammaProbability;
        var gammaValue = options.MinGamma + (random.NextDouble() * (options.MaxGamma - options.MinGamma));
        var noise = random.NextDouble() < options.NoiseProbability;
        var noiseStd = random.NextDouble() * options.MaxNoiseStd;
        var noiseSeed = random.Next();

        using var scope = NewDisposeScope();
        var img = image.to(ScalarType.Float32);
        var lab = labels.to(ScalarType.Int64);
        if (rotate || scaleIt || elastic)
        {
            (img, lab) = Warp(img, lab, rotate ? angle : 0, scaleIt ? scale : 1, elastic ? control : null, k);
        }

        var flipDims = Enumerable.Range(0, 3).Where(a => mirror[a]).ToArray();
        if (flipDims.Length > 0)
        {
            img = img.flip(flipDims.Select(a => (long)a + 1).ToArray());
            lab = lab.flip(flipDims.Select(a => (long)a).ToArray());
        }

        if (brightness)
        {
            img = img.Times(brightnessFactor);
        }

        if (contrast)
        {
            var mean = img.mean();
            var (lo, hi) = (img.min(), img.max());
            img = (img - mean).Times(contrastFactor).Plus(mean);
            img = img.clamp(lo, hi);
        }

        if (gamma)
        {
            var lo = img.min();
            var range = (img.max() - lo).AtLeast(1e-7);
            img = ((img - lo) / range).Power(gammaValue).mul(range).Plus(lo);
        }

        if (noise && noiseStd > 0)
        {
            img = img.Plus(Gaussian(img.shape, noiseSeed).Times(noiseStd));
        }

        return (img.contiguous().MoveToOuterDisposeScope(), lab.contiguous().MoveToOuterDisposeScope());
    }

    private static (Tensor Image, Tensor Labels) Warp(Tensor image, Tensor labels, double angle, double scale, float[]? control, int k)
    {
        var (c, d, h, w) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3]);
        var cos = Math.Cos(angle) / scale;
        var sin = Math.Sin(angle) / scale;

        // affine_grid maps output (x, y, z) in [-1, 1] to input coordinates; rotation in the x/y plane.
        var theta = tensor(new float[] { (float)cos, (float)-sin, 0, 0, (float)sin, (float)cos, 0, 0, 0, 0, (float)(1 / scale), 0 }).reshape(1, 3, 4);
        var grid = nn.functional.affine_grid(theta, [1, c, d, h, w], align_corners: false);
        if (control is not null)
        {
            var coarse = tensor(control).reshape(1, 3, k, k, k);
            var field = nn.functional.interpolate(coarse, [d, h, w], mode: InterpolationMode.Trilinear, align_corners: true);
            grid = grid.Plus(field.permute(0, 2, 3, 4, 1));
        }

        var warpedImage = nn.functional.grid_sample(image.unsqueeze(0), grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false).squeeze(0);
        var warpedLabels = nn.functional.grid_sample(labels.to(ScalarType.Float32).unsqueeze(0).unsqueeze(0), grid, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros, align_corners: false)
            .squeeze(0).squeeze(0).round().to(ScalarType.Int64);
        return (warpedImage, warpedLabels);
    }

    private static Tensor Gaussian(long[] shape, int seed)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        var random = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return tensor(values).reshape(shape);
    }
}
