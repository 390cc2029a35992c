using ContinualSegment.Model.Persistence;
using static TorchSharp.torch;

// Usage: Loader MODEL_DIR INPUT.f32 D H W OUTPUT.bin
// Loads the model directory, runs every decoder on the raw float32 input [1, 1, D, H, W] and writes
// the concatenated raw logits (decoders in ordinal id order). Exit codes: 0 ok, 2 bad usage, 1 failure.
if (args.Length != 6 || !int.TryParse(args[2], out var d) || !int.TryParse(args[3], out var h) || !int.TryParse(args[4], out var w))
{
    await Console.Error.WriteLineAsync("usage: Loader MODEL_DIR INPUT.f32 D H W OUTPUT.bin").ConfigureAwait(false);
    return 2;
}

try
{
    var raw = await File.ReadAllBytesAsync(args[1]).ConfigureAwait(false);
    if (raw.Length != (long)d * h * w * sizeof(float))
    {
        await Console.Error.WriteLineAsync($"input has {raw.Length} bytes, expected {(long)d * h * w * sizeof(float)}").ConfigureAwait(false);
        return 2;
    }

    var voxels = new float[d * h * w];
    Buffer.BlockCopy(raw, 0, voxels, 0, raw.Length);
    using var model = ModelStore.Load(args[0]);
    model.Bank.eval();
    using var noGrad = no_grad();
    using var input = tensor(voxels, new long[] { 1, 1, d, h, w });
    var outputs = model.Bank.forward(input);
    await using var file = File.Create(args[5]);
    foreach (var (_, logits) in outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        file.Write(logits.contiguous().bytes);
        logits.Dispose();
    }

    return 0;
}
catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException or ContinualSegment.Model.Plans.ModelPlanException)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 1;
}
