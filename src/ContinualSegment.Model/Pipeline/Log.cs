using Microsoft.Extensions.Logging;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// Log messages of the inference pipeline and the segmentation use case. Model's event-id blocks:
/// Pipeline 4000–4099, Packages 4100–4199, Datasets 4200–4299, Calibration 4300–4399.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Model {Directory} loaded in {Seconds:0.000} s: {Runnable} decoder(s) will run, body-part model {BodyPart}")]
    public static partial void ModelLoaded(ILogger logger, string directory, double seconds, int runnable, bool bodyPart);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Decoder {DecoderId} ({Source}) is not loaded: {Reason}")]
    public static partial void DecoderNotLoaded(ILogger logger, string decoderId, string source, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Phase {Phase} took {Seconds:0.000} s")]
    public static partial void PhaseCompleted(ILogger logger, string phase, double seconds);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Decoder {DecoderId} ran, trusted on {ValidSlices} of {TotalSlices} model-grid slices")]
    public static partial void DecoderRan(ILogger logger, string decoderId, int validSlices, int totalSlices);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Decoder {DecoderId} skipped: {Reason}")]
    public static partial void DecoderSkipped(ILogger logger, string decoderId, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Segmentation found {Structures} structure(s); pipeline {PipelineSeconds:0.000} s, run {TotalSeconds:0.000} s")]
    public static partial void SegmentationCompleted(ILogger logger, int structures, double pipelineSeconds, double totalSeconds);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "NIfTI input is left-handed: its {Slices} slices are reversed to make a right-handed CT series; labels come back on its own grid")]
    public static partial void SlicesReversed(ILogger logger, int slices);
}
