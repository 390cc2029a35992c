using Microsoft.Extensions.Logging;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// Log messages of decoder packages. Model's event-id blocks: Pipeline 4000–4099, Packages 4100–4199, Datasets 4200–4299, Calibration 4300–4399.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Decoder {DecoderId} {Version} installed in {ModelDirectory} (enabled {Enabled}, replaced an installed one {Replaced})")]
    public static partial void DecoderInstalled(ILogger logger, string decoderId, string version, string modelDirectory, bool enabled, bool replaced);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Decoder {DecoderId} in {ModelDirectory}: enabled set to {Enabled} (changed {Changed})")]
    public static partial void DecoderEnabledChanged(ILogger logger, string decoderId, string modelDirectory, bool enabled, bool changed);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Decoder {DecoderId} removed from {ModelDirectory}")]
    public static partial void DecoderRemoved(ILogger logger, string decoderId, string modelDirectory);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Decoder {DecoderId} in {ModelDirectory}: calibration temperature {Previous} -> {Temperature}")]
    public static partial void CalibrationTemperatureSet(ILogger logger, string decoderId, string modelDirectory, double previous, double temperature);
}
