using ContinualSegment.Model.Calibration;

namespace ContinualSegment.Model.Tests.Calibration;

public sealed class StratifiedVoxelSamplerTests
{
    [Fact]
    public void Every_present_class_is_sampled_and_the_weights_add_up_to_each_class_voxels()
    {
        // 10,000 background voxels, 500 of class 1, 7 of class 3, none of class 2.
        var labels = new ushort[10_507];
        for (var i = 0; i < 500; i++)
        {
            labels[(i * 20) + 3] = 1;
        }

        for (var i = 0; i < 7; i++)
        {
            labels[10_500 + i] = 3;
        }

        var (indexes, weights) = StratifiedVoxelSampler.Sample(labels, classCount: 4, budget: 300, new Random(5));

        Assert.Equal(300, indexes.Length);
        Assert.True(indexes.Zip(indexes.Skip(1)).All(p => p.First < p.Second), "indexes are not increasing and unique");
        var byClass = indexes.Select((v, i) => (Label: labels[v], Weight: weights[i])).GroupBy(x => x.Label).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.Equal(7, byClass[3].Length); // the small class gives all its voxels
        Assert.Equal(146, byClass[1].Length); // the rest is shared equally
        Assert.Equal(147, byClass[0].Length);
        Assert.False(byClass.ContainsKey(2));
        Assert.Equal(10_000, byClass[0].Sum(x => x.Weight), 6);
        Assert.Equal(500, byClass[1].Sum(x => x.Weight), 6);
        Assert.Equal(7, byClass[3].Sum(x => x.Weight), 6);
    }

    [Fact]
    public void The_sample_is_the_same_for_the_same_seed_and_differs_for_another()
    {
        var labels = Enumerable.Range(0, 5_000).Select(i => (ushort)(i % 7 == 0 ? 1 : 0)).ToArray();

        var a = StratifiedVoxelSampler.Sample(labels, 2, 100, new Random(1));
        var b = StratifiedVoxelSampler.Sample(labels, 2, 100, new Random(1));
        var c = StratifiedVoxelSampler.Sample(labels, 2, 100, new Random(2));

        Assert.Equal(a.Indexes, b.Indexes);
        Assert.NotEqual(a.Indexes, c.Indexes);
    }

    [Fact]
    public void A_volume_within_the_budget_is_taken_whole_with_unit_weights()
    {
        ushort[] labels = [0, 0, 1, 2, 0, 1];

        var (indexes, weights) = StratifiedVoxelSampler.Sample(labels, 3, 10, new Random(1));

        Assert.Equal([0, 1, 2, 3, 4, 5], indexes);
        Assert.All(weights, w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void A_label_beyond_the_classes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StratifiedVoxelSampler.Sample([0, 4], 3, 10, new Random(1)));
    }
}
