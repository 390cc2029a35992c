using Microsoft.Extensions.Logging;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// Log messages of training on datasets. Model's event-id blocks: Pipeline 4000–4099, Packages 4100–4199, Datasets 4200–4299, Calibration 4300–4399.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Decoder {DecoderId}: epoch {Epoch} of {Epochs}, loss {Loss:0.0000}, validation Dice {Dice:0.0000}, learning rate {LearningRate:G4}")]
    public static partial void EpochCompleted(ILogger logger, string decoderId, int epoch, int epochs, double loss, double dice, double learningRate);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Decoder {DecoderId}: the {Mode} step retrained the encoder ({Previous} -> {Current}); earlier decoders now on it: {Earlier}")]
    public static partial void EncoderRetrained(ILogger logger, string decoderId, string mode, string previous, string current, string earlier);
}
