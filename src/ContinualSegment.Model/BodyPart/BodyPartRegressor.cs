using TorchSharp.Modules;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// A small 2D CNN mapping one axial slice [N, 1, S, S] (see <see cref="BodyPartSlices"/>) to a scalar
/// body-part score [N]: scores grow from feet to head, learnt without labels from slice order.
/// </summary>
public sealed class BodyPartRegressor : nn.Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear head;

    /// <summary>Creates the network with fresh weights; <paramref name="width"/> is the first layer's channel count.</summary>
    public BodyPartRegressor(int width = 8)
        : base(nameof(BodyPartRegressor))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 256);
        Width = width;
        features = nn.Sequential(
            nn.Conv2d(1, width, 3, stride: 2, padding: 1),
            nn.GroupNorm(1, width),
            new Networks.LeakyRelu(0.01),
            nn.Conv2d(width, width * 2, 3, stride: 2, padding: 1),
            nn.GroupNorm(1, width * 2),
            new Networks.LeakyRelu(0.01),
            nn.Conv2d(width * 2, width * 4, 3, stride: 2, padding: 1),
            nn.GroupNorm(1, width * 4),
            new Networks.LeakyRelu(0.01),
            nn.Conv2d(width * 4, width * 4, 3, stride: 2, padding: 1),
            new Networks.LeakyRelu(0.01),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten());
        head = nn.Linear(width * 4, 1);
        RegisterComponents();

        // Group-norm affine parameters are set explicitly (scale 1, shift 0) rather than relying on the
        // native constructor's initialisation.
        using (no_grad())
        {
            foreach (var (name, p) in named_parameters())
            {
                if (features.named_children().Any(c => c.module is GroupNorm && name.StartsWith("features." + c.name + ".", StringComparison.Ordinal)))
                {
                    p.FillInPlace(name.EndsWith(".weight", StringComparison.Ordinal) ? 1 : 0);
                }
            }
        }
    }

    /// <summary>The first layer's channel count.</summary>
    public int Width { get; }

    /// <summary>Reads weights saved by <see cref="SaveWeights"/> into a new regressor of <paramref name="width"/>.</summary>
    public static BodyPartRegressor LoadWeights(string path, int width = 8)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("body-part regressor weights not found", path);
        }

        var regressor = new BodyPartRegressor(width);
        try
        {
            regressor.load(path, strict: true);
            regressor.eval();
            return regressor;
        }
        catch
        {
            regressor.Dispose();
            throw;
        }
    }

    /// <summary>Writes the weights (TorchSharp state-dict format).</summary>
    public void SaveWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        save(path);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var f = Features(input);
        using var h = head.call(f);
        return h.squeeze(1);
    }

    /// <summary>The feature layers one by one, each convolution after the first with its input in the order oneDNN computes right.</summary>
    private Tensor Features(Tensor input)
    {
        var x = input.alias();
        foreach (var layer in features.children())
        {
            using var previous = x;
            if (layer is Conv2d conv && conv.in_channels > 1)
            {
                using var ordered = Networks.ChannelsLast.Of(previous);
                x = conv.call(ordered);
            }
            else
            {
                x = ((nn.Module<Tensor, Tensor>)layer).call(previous);
            }
        }

        return x;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            head.Dispose();
        }

        base.Dispose(disposing);
    }
}
