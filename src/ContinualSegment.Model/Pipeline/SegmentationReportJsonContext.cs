using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Pipeline;

/// <summary>Source-generated JSON for <see cref="SegmentationReport"/> (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SegmentationReport))]
public sealed partial class SegmentationReportJsonContext : JsonSerializerContext;
