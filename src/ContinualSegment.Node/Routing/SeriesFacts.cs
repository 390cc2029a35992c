namespace ContinualSegment.Node.Routing;

/// <summary>What routing looks at in a completed series.</summary>
public sealed record SeriesFacts(
    string CallingAeTitle,
    string CalledAeTitle,
    string Modality,
    string BodyPart,
    string SeriesDescription,
    double? SliceThickness,
    int ImageCount);
