using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Merging;

/// <summary>
/// Merges decoder outputs into catalogue structures. All merge rules live here:
/// <list type="number">
/// <item>Calibration: probabilities are tempered, q ∝ p^(1/T), unless already applied. A decoder is
/// ignored on slices outside its validity mask (body-part range).</item>
/// <item>Each decoder labels a voxel with its arg-max class; its confidence is that class's calibrated
/// probability.</item>
/// <item>Same structure from several decoders: per voxel those decoders vote with their calibrated margins. A decoder
/// whose arg-max is the structure adds its lead over its second most probable class; any other adds the structure's
/// probability minus that of its own arg-max (a negative number). The structure is there when one of them proposes it
/// and the sum is not negative, so two decoders that agree outvote a more confident one that does not, and a decoder
/// that is sure of another class where it also knows this structure counts against it.</item>
/// <item>Lesions with host organs: each lesion voxel is added to its host organ (organ ∪ lesion); with
/// several hosts (lung lobes) to the host with the highest calibrated probability at that voxel. The
/// lesion stays its own segment. Hosts no decoder segments are not created.</item>
/// <item>Nested structures (<see cref="StructureNesting"/>) and any other overlaps stay overlapping
/// masks; the voxels where a structure lies beneath the label map's structure (the structures it is
/// nested in, the host chosen for a lesion) are listed (<see cref="MergedSegmentation.HiddenVoxels"/>)
/// so that these overlaps survive the label map.</item>
/// <item>Label map: the present structure with the highest <see cref="MergeCatalogue.Precedence"/>
/// (lesions, then inner before outer); ties by confidence, then lower global index.</item>
/// </list>
/// </summary>
public sealed class PredictionMerger
{
    private readonly MergeCatalogue catalogue;
    private readonly int slabDepth;

    /// <summary>Creates a merger; <paramref name="slabDepth"/> slices are processed at a time.</summary>
    public PredictionMerger(MergeCatalogue catalogue, int slabDepth = 8)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentOutOfRangeException.ThrowIfLessThan(slabDepth, 1);
        this.catalogue = catalogue;
        this.slabDepth = slabDepth;
    }

    /// <summary>Merges <paramref name="inputs"/>, which must share one grid.</summary>
    public MergedSegmentation Merge(IReadOnlyList<DecoderProbabilities> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("nothing to merge", nameof(inputs));
        }

        var (depth, height, width) = CheckInputs(inputs);
        var plane = height * width;
        var voxels = checked(depth * plane);
        var decoders = inputs.Count;

        // channel → global index per decoder; structure → claimants (decoder, channel).
        var globalOf = new int[decoders][];
        var claimants = new Dictionary<int, List<(int Decoder, int Channel)>>();
        for (var d = 0; d < decoders; d++)
        {
            var classes = inputs[d].Classes;
            globalOf[d] = new int[classes.Count + 1];
            for (var c = 0; c < classes.Count; c++)
            {
                var s = catalogue.Find(classes[c]) ?? throw new ArgumentException($"decoder '{inputs[d].DecoderId}' class '{classes[c]}' is not in the catalogue", nameof(inputs));
                globalOf[d][c + 1] = s.GlobalIndex;
                if (!claimants.TryGetValue(s.GlobalIndex, out var list))
                {
                    claimants[s.GlobalIndex] = list = [];
                }

                list.Add((d, c + 1));
            }
        }

        var byIndex = catalogue.Structures.ToDictionary(s => s.GlobalIndex);
        var precedenceOf = byIndex.ToDictionary(kv => kv.Key, kv => catalogue.Precedence(kv.Value.Name));
        var hostsOf = byIndex.Values.Where(s => s.IsLesion)
            .ToDictionary(s => s.GlobalIndex, s => s.HostOrgans.Select(h => catalogue.Find(h)!.GlobalIndex).Where(claimants.ContainsKey).ToArray());

        var labelMap = new byte[voxels];
        var masks = new Dictionary<int, BitArray>();
        BitArray Mask(int index)
        {
            if (!masks.TryGetValue(index, out var m))
            {
                masks[index] = m = new BitArray(voxels);
            }

            return m;
        }

        // Voxels where a structure lies beneath the label map's structure, by structure (ascending): the structures the
        // shown one is nested in, and the host organ chosen for a shown lesion. Other structures that decoders also
        // claim there are disagreements, which the label map settles.
        var outersOf = byIndex.Values.ToDictionary(s => s.GlobalIndex, s => Outers(s.Name));
        var hidden = new Dictionary<int, List<int>>();
        var covered = new List<int>(4);
        var hostOfShown = 0;
        var label = new int[decoders];
        var confidence = new float[decoders];
        var valid = new bool[decoders];
        var present = new Dictionary<int, float>();

        // Per decoder and slab: the calibrated arg-max class and its probability, computed by libtorch over all
        // classes at once. The class probabilities themselves are only kept (one slab buffer per decoder, reused)
        // for decoders that claim a host organ of a lesion with several possible hosts, where the best host is
        // chosen by its probability.
        var slabCapacity = Math.Min(slabDepth, depth) * plane;

        // Per decoder, the channels of structures other decoders claim too (their probabilities and the runner-up
        // probability are kept per slab for the vote); sharedSlot[d][c] is the channel's row in shared[d], or -1.
        var sharedChannels = new long[decoders][];
        var sharedSlot = new int[decoders][];
        for (var d = 0; d < decoders; d++)
        {
            sharedSlot[d] = Enumerable.Repeat(-1, globalOf[d].Length).ToArray();
            var list = new List<long>();
            for (var c = 1; c < globalOf[d].Length; c++)
            {
                if (claimants[globalOf[d][c]].Count > 1)
                {
                    sharedSlot[d][c] = list.Count;
                    list.Add(c);
                }
            }

            sharedChannels[d] = [.. list];
        }

        var shared = new float[decoders][];
        var second = new float[decoders][];
        for (var d = 0; d < decoders; d++)
        {
            shared[d] = sharedChannels[d].Length > 0 ? new float[checked(sharedChannels[d].Length * slabCapacity)] : [];
            second[d] = sharedChannels[d].Length > 0 ? new float[slabCapacity] : [];
        }

        var needsClasses = hostsOf.Values.Where(h => h.Length > 1).SelectMany(h => h).SelectMany(h => claimants[h]).Select(c => c.Decoder).ToHashSet();
        var slabs = new float[decoders][];
        var argmax = new int[decoders][];
        var best = new float[decoders][];
        for (var d = 0; d < decoders; d++)
        {
            slabs[d] = needsClasses.Contains(d) ? new float[checked(globalOf[d].Length * slabCapacity)] : [];
            argmax[d] = new int[slabCapacity];
            best[d] = new float[slabCapacity];
        }

        for (var z0 = 0; z0 < depth; z0 += slabDepth)
        {
            var n = Math.Min(slabDepth, depth - z0);
            var slabVoxels = n * plane;
            for (var d = 0; d < decoders; d++)
            {
                using var scope = NewDisposeScope();
                var p = Calibrated(inputs[d].Probabilities.narrow(1, z0, n).to(ScalarType.Float32), inputs[d]);
                var (values, indexes) = p.max(0);
                values.contiguous().data<float>().CopyTo(best[d]);
                indexes.to(ScalarType.Int32).contiguous().data<int>().CopyTo(argmax[d]);
                if (slabs[d].Length > 0)
                {
                    p.contiguous().data<float>().CopyTo(slabs[d]);
                }

                if (sharedChannels[d].Length > 0)
                {
                    p.index_select(0, tensor(sharedChannels[d])).contiguous().data<float>().CopyTo(shared[d]);
                    p.topk(2, 0).values[1].contiguous().data<float>().CopyTo(second[d]);
                }
            }

            for (var v = 0; v < slabVoxels; v++)
            {
                var z = z0 + (v / plane);
                for (var d = 0; d < decoders; d++)
                {
                    valid[d] = inputs[d].ValidSlices is not { } vs || vs[z];
                    label[d] = valid[d] ? argmax[d][v] : 0;
                    confidence[d] = valid[d] ? best[d][v] : 0;
                }

                // Which structures are present: candidates are the decoders' arg-max classes.
                present.Clear();
                for (var d = 0; d < decoders; d++)
                {
                    if (label[d] == 0)
                    {
                        continue;
                    }

                    var s = globalOf[d][label[d]];
                    if (present.ContainsKey(s))
                    {
                        continue;
                    }

                    var list = claimants[s];
                    if (list.Count == 1)
                    {
                        present[s] = confidence[d];
                        continue;
                    }

                    // The vote of every decoder that knows the structure and is trusted on this slice.
                    var sum = 0.0;
                    var conf = 0f;
                    foreach (var (cd, ch) in list)
                    {
                        if (!valid[cd])
                        {
                            continue;
                        }

                        if (label[cd] == ch)
                        {
                            sum += confidence[cd] - second[cd][v];
                            conf = Math.Max(conf, confidence[cd]);
                        }
                        else
                        {
                            sum += shared[cd][(sharedSlot[cd][ch] * slabVoxels) + v] - confidence[cd];
                        }
                    }

                    if (sum >= 0)
                    {
                        present[s] = conf;
                    }
                }

                if (present.Count == 0)
                {
                    continue;
                }

                var flat = (z0 * plane) + v;
                var top = 0;
                var topKey = (Precedence: int.MinValue, Confidence: float.MinValue);
                covered.Clear();
                hostOfShown = 0;
                foreach (var (s, conf) in present)
                {
                    Mask(s)[flat] = true;
                    covered.Add(s);
                    var host = 0;
                    if (hostsOf.TryGetValue(s, out var hosts) && hosts.Length > 0)
                    {
                        host = hosts.Length == 1 ? hosts[0] : BestHost(hosts, claimants, slabs, slabVoxels, v, valid);
                        if (host > 0)
                        {
                            Mask(host)[flat] = true;
                            covered.Add(host);
                        }
                    }

                    var key = (precedenceOf.GetValueOrDefault(s), conf);
                    if (key.CompareTo(topKey) > 0 || (key.Equals(topKey) && s < top))
                    {
                        topKey = key;
                        top = s;
                        hostOfShown = host;
                    }
                }

                labelMap[flat] = (byte)top;
                if (covered.Count > 1)
                {
                    var outers = outersOf[top];
                    foreach (var s in covered)
                    {
                        if (s == top || (s != hostOfShown && Array.IndexOf(outers, s) < 0))
                        {
                            continue;
                        }

                        if (!hidden.TryGetValue(s, out var list))
                        {
                            hidden[s] = list = [];
                        }

                        // A host can be claimed twice at one voxel (by itself and through its lesion): once is enough.
                        if (list.Count == 0 || list[^1] != flat)
                        {
                            list.Add(flat);
                        }
                    }
                }
            }
        }

        return new MergedSegmentation(depth, height, width, labelMap, masks, hidden.ToDictionary(static h => h.Key, static h => h.Value.ToArray()));
    }

    // The structures a structure is nested in, innermost first (global indices).
    private int[] Outers(string name)
    {
        var outers = new List<int>();
        var current = name;
        while (catalogue.Nesting.TryGetValue(current, out var outer) && outers.Count < catalogue.Structures.Count)
        {
            if (catalogue.Find(outer) is { } s)
            {
                outers.Add(s.GlobalIndex);
            }

            current = outer;
        }

        return [.. outers];
    }

    private static int BestHost(int[] hosts, Dictionary<int, List<(int Decoder, int Channel)>> claimants, float[][] slabs, int slabVoxels, int v, bool[] valid)
    {
        var best = 0;
        var bestP = float.MinValue;
        foreach (var h in hosts)
        {
            foreach (var (d, c) in claimants[h])
            {
                if (!valid[d])
                {
                    continue;
                }

                var p = slabs[d][(c * slabVoxels) + v];
                if (p > bestP)
                {
                    bestP = p;
                    best = h;
                }
            }
        }

        return best;
    }

    // Temperature scaling of probabilities: softmax(log p / T) over the classes (p floored at 1e-30).
    private static Tensor Calibrated(Tensor probabilities, DecoderProbabilities input)
    {
        if (input.TemperatureApplied || Math.Abs(input.Temperature - 1.0) < 1e-12)
        {
            return probabilities;
        }

        // Scalars held explicitly: one converted implicitly for a single call can be finalized while libtorch reads it.
        using var floor = 1e-30.ToScalar();
        using var temperature = input.Temperature.ToScalar();
        return nn.functional.softmax(probabilities.clamp_min(floor).log_().div_(temperature), 0);
    }

    private static (int Depth, int Height, int Width) CheckInputs(IReadOnlyList<DecoderProbabilities> inputs)
    {
        long[]? grid = null;
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            var shape = input.Probabilities.shape;
            if (shape.Length != 4 || shape[0] != input.Classes.Count + 1)
            {
                throw new ArgumentException($"decoder '{input.DecoderId}': probabilities [{string.Join(',', shape)}] do not match {input.Classes.Count} classes + background", nameof(inputs));
            }

            if (!double.IsFinite(input.Temperature) || input.Temperature <= 0)
            {
                throw new ArgumentException($"decoder '{input.DecoderId}': temperature must be positive", nameof(inputs));
            }

            grid ??= shape[1..];
            if (!grid.AsSpan().SequenceEqual(shape.AsSpan(1)))
            {
                throw new ArgumentException($"decoder '{input.DecoderId}' is on grid [{string.Join(",", shape.Skip(1))}], others on [{string.Join(',', grid)}]", nameof(inputs));
            }

            if (input.ValidSlices is { } vs && vs.Count != shape[1])
            {
                throw new ArgumentException($"decoder '{input.DecoderId}': {vs.Count} slice flags for {shape[1]} slices", nameof(inputs));
            }
        }

        if (grid![0] * grid[1] * grid[2] > int.MaxValue)
        {
            throw new ArgumentException("grid too large to merge", nameof(inputs));
        }

        return ((int)grid[0], (int)grid[1], (int)grid[2]);
    }
}
