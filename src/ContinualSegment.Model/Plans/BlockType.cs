namespace ContinualSegment.Model.Plans;

/// <summary>Decoder block types a genotype may choose from.</summary>
public enum BlockType
{
    /// <summary>Two full convolutions (3×3×3 or the stage's anisotropic kernel), each with InstanceNorm and LeakyReLU.</summary>
    ConvPair,

    /// <summary>One full convolution with InstanceNorm and LeakyReLU.</summary>
    SingleConv,

    /// <summary>An in-plane 1×3×3 convolution followed by a through-plane 3×1×1 convolution.</summary>
    Pseudo3D,

    /// <summary>A depthwise 3×3×3 convolution followed by a pointwise 1×1×1 convolution.</summary>
    DepthwiseSeparable,
}
