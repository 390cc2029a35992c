using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Model.Pipeline;

/// <summary>Loads the one CT series of a directory, or says in one line why it cannot be segmented.</summary>
internal static class SeriesInput
{
    public static LoadedSeries Load(string directory, CancellationToken cancellationToken)
    {
        var all = SeriesLoader.LoadDirectory(directory, null, cancellationToken);
        var series = all.Count switch
        {
            0 => throw new SegmentationInputException($"no image series in {directory}"),
            1 => all[0],
            _ => throw new SegmentationInputException($"{directory} holds {all.Count} series; give a directory with one"),
        };
        Check(series, directory);
        return series;
    }

    public static void Check(LoadedSeries series, string where)
    {
        if (!string.Equals(series.Header.Modality, "CT", StringComparison.Ordinal))
        {
            throw new SegmentationInputException($"the series in {where} has modality '{series.Header.Modality}'; segmentation needs CT");
        }
    }
}
