using Microsoft.Extensions.Logging;

namespace ContinualSegment.Model.Calibration;

/// <summary>
/// Log messages of decoder calibration. Model's event-id blocks: Pipeline 4000–4099, Packages 4100–4199,
/// Datasets 4200–4299, Calibration 4300–4399.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Debug, Message = "Decoder {DecoderId}: validation case {Case} of {Cases} predicted, {Voxels} of its {Total} voxels sampled")]
    public static partial void CaseSampled(ILogger logger, string decoderId, int @case, int cases, int voxels, long total);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Decoder {DecoderId}: temperature {Temperature:0.0000} (at a bound {AtBound}), NLL {NllBefore:0.0000} -> {NllAfter:0.0000}, ECE {EceBefore:0.0000} -> {EceAfter:0.0000} over {Voxels} voxels of {Cases} validation case(s)")]
    public static partial void Calibrated(ILogger logger, string decoderId, double temperature, bool atBound, double nllBefore, double nllAfter, double eceBefore, double eceAfter, int voxels, int cases);
}
