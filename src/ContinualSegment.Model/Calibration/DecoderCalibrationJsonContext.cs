using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Calibration;

/// <summary>Source-generated JSON for <see cref="DecoderCalibrationResult"/> (camelCase, indented, enums as names).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DecoderCalibrationResult))]
public sealed partial class DecoderCalibrationJsonContext : JsonSerializerContext;
