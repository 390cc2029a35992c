using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// The frozen encoder's features and the frozen teacher's logits of every patch, computed once
/// (batch of one each) and reused by every candidate. Owns its tensors.
/// </summary>
internal sealed class FeatureCache : IDisposable
{
    private readonly List<Tensor[]> skips = [];
    private readonly List<Tensor> teacherLogits = [];
    private readonly List<Tensor> labels = [];

    private FeatureCache()
    {
    }

    public int Count => labels.Count;

    /// <summary>The device the cached tensors are on (the encoder's).</summary>
    public Device Device { get; private set; } = CPU;

    public IReadOnlyList<Tensor> Skips(int index) => skips[index];

    public Tensor TeacherLogits(int index) => teacherLogits[index];

    public Tensor Labels(int index) => labels[index];

    /// <summary>Runs <paramref name="encoder"/> and <paramref name="teacher"/> on every sample without gradients.</summary>
    public static FeatureCache Build(GeneralEncoder encoder, Decoder teacher, IReadOnlyList<TrainingSample> samples, long maxBytes, CancellationToken cancellationToken)
    {
        var cache = new FeatureCache { Device = PrecisionContext.DeviceOf(encoder) };
        var encoderTraining = encoder.training;
        var teacherTraining = teacher.training;
        encoder.eval();
        teacher.eval();
        try
        {
            using var noGrad = no_grad();
            long bytes = 0;
            foreach (var s in samples)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var features = encoder.forward(cache.OnDevice(s.Image.unsqueeze(0))).ToArray();
                var logits = teacher.forward(features);
                var label = cache.OnDevice(s.Labels.to(ScalarType.Int64).unsqueeze(0).contiguous());
                bytes += features.Sum(f => f.numel() * f.element_size()) + (logits.numel() * logits.element_size()) + (label.numel() * label.element_size());
                if (bytes > maxBytes)
                {
                    throw new InvalidOperationException($"caching the encoder features of {samples.Count} patches needs more than {maxBytes} bytes; use fewer or smaller patches or raise the cache limit");
                }

                foreach (var f in features)
                {
                    f.MoveToOuterDisposeScope();
                }

                cache.skips.Add(features);
                cache.teacherLogits.Add(logits.MoveToOuterDisposeScope());
                cache.labels.Add(label.MoveToOuterDisposeScope());
            }

            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
        finally
        {
            encoder.train(encoderTraining);
            teacher.train(teacherTraining);
        }
    }

    /// <summary>Features, teacher logits and labels of the patches <paramref name="indices"/> concatenated along the batch axis.</summary>
    public (Tensor[] Skips, Tensor TeacherLogits, Tensor Labels) Batch(IReadOnlyList<int> indices)
    {
        if (indices.Count == 1)
        {
            var i = indices[0];
            return (skips[i].Select(t => t.alias()).ToArray(), teacherLogits[i].alias(), labels[i].alias());
        }

        var levels = skips[indices[0]].Length;
        var joined = new Tensor[levels];
        for (var l = 0; l < levels; l++)
        {
            joined[l] = cat(indices.Select(i => skips[i][l]).ToArray(), 0);
        }

        return (joined, cat(indices.Select(i => teacherLogits[i]).ToArray(), 0), cat(indices.Select(i => labels[i]).ToArray(), 0));
    }

    /// <summary>A module built on the CPU, moved to the cache's device.</summary>
    public T OnDevice<T>(T module)
        where T : nn.Module
    {
        if (Device.type != DeviceType.CPU)
        {
            module.to(Device);
        }

        return module;
    }

    public void Dispose()
    {
        foreach (var t in skips.SelectMany(s => s).Concat(teacherLogits).Concat(labels))
        {
            t.Dispose();
        }

        skips.Clear();
        teacherLogits.Clear();
        labels.Clear();
    }

    private Tensor OnDevice(Tensor tensor) => Device.type == DeviceType.CPU ? tensor : tensor.to(Device);
}
