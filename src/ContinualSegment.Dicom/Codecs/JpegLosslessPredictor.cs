using System.Runtime.CompilerServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>The seven predictors of lossless JPEG (ITU T.81 Table H.1), shared by the decoder and the encoder.</summary>
internal static class JpegLosslessPredictor
{
    /// <summary>
    /// The prediction for sample <paramref name="i"/> of a plane <paramref name="width"/> samples wide (T.81 §H.1.2.1):
    /// <paramref name="initial"/> at the start of the image or of a restart interval, the left neighbour on the first
    /// line after it, the sample above at the start of a line, otherwise <paramref name="predictor"/> (1 to 7).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Predict(ReadOnlySpan<ushort> plane, int i, int width, int predictor, int initial, bool reset, bool firstLine, bool firstColumn)
    {
        if (reset)
        {
            return initial;
        }

        if (firstLine)
        {
            return plane[i - 1];
        }

        return firstColumn ? plane[i - width] : Predict(predictor, plane[i - 1], plane[i - width], plane[i - width - 1]);
    }

    /// <summary>The prediction from the sample to the left (Ra), above (Rb) and above-left (Rc); predictor 1 to 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Predict(int predictor, int ra, int rb, int rc) => predictor switch
    {
        1 => ra,
        2 => rb,
        3 => rc,
        4 => ra + rb - rc,
        5 => ra + ((rb - rc) >> 1),
        6 => rb + ((ra - rc) >> 1),
        _ => (ra + rb) >> 1,
    };
}
