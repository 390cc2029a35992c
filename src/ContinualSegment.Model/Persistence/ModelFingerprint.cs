using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Persistence;

/// <summary>
/// SHA-256 over a module's state dict: for every entry in ordinal name order, the UTF-8 name, the
/// dtype, the shape and the raw little-endian bytes of the (CPU, contiguous) tensor.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>The fingerprint of <paramref name="module"/> as 64 lower-case hex digits.</summary>
    public static string Compute(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(Encoding.UTF8.GetBytes($"|{tensor.dtype}|{string.Join(',', tensor.shape)}|"));
            var cpu = tensor.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
