using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Mean foreground Dice of a decoder on whole preprocessed volumes: Gaussian sliding-window inference over each volume
/// with the encoder's features (as the segmentation pipeline predicts, on the plan's grid), arg-max, Dice per class
/// (classes absent from both prediction and truth left out), mean over classes, then over volumes.
/// </summary>
internal static class WholeVolumeDice
{
    /// <summary>Scores <paramref name="decoder"/> on <paramref name="volumes"/> with windows of <paramref name="patchSize"/> (z, y, x).</summary>
    public static double Evaluate(GeneralEncoder encoder, Decoder decoder, IReadOnlyList<PreprocessedCase> volumes, IReadOnlyList<int> patchSize, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var classes = decoder.Plan.OutputChannels;
        var scores = new List<double>(volumes.Count);
        using var predictor = new SlidingWindowPredictor(encoder, decoder, patchSize, new SlidingWindowOptions(), device);
        foreach (var volume in volumes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var image = tensor(volume.Image, new long[] { volume.Channels, volume.Depth, volume.Height, volume.Width });
            using var prediction = predictor.Predict(image, null, cancellationToken);
            var predicted = prediction.Probabilities[decoder.Plan.Id].argmax(0).contiguous().data<long>().ToArray();
            var truth = Array.ConvertAll(volume.Labels, static l => (long)l);
            scores.Add(SegmentationMetrics.MeanIgnoringNaN(SegmentationMetrics.Dice(predicted, truth, classes)));
        }

        return SegmentationMetrics.MeanIgnoringNaN(scores);
    }

    /// <summary>Checks that every volume fits the decoder's labels and the encoder's input channels.</summary>
    public static void Check(GeneralEncoder encoder, Decoder decoder, IReadOnlyList<PreprocessedCase> volumes, string name)
    {
        var maxLabel = decoder.Plan.OutputChannels - 1;
        foreach (var v in volumes)
        {
            ArgumentNullException.ThrowIfNull(v, name);
            if (v.Channels != encoder.InputChannels)
            {
                throw new ArgumentException($"volume '{v.Id}' has {v.Channels} channel(s); the encoder takes {encoder.InputChannels}", name);
            }

            var max = v.Labels.Length == 0 ? 0 : v.Labels.Max();
            if (max > maxLabel)
            {
                throw new ArgumentException($"volume '{v.Id}' has label {max}; decoder '{decoder.Plan.Id}' has labels 0..{maxLabel}", name);
            }
        }
    }
}
