using System.Text.Json.Serialization;

namespace ContinualSegment.Model.BodyPart;

/// <summary>Source-generated JSON for <see cref="BodyPartEvaluation"/> (camelCase, indented; an undefined ρ as "NaN").</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BodyPartEvaluation))]
public sealed partial class BodyPartEvaluationJsonContext : JsonSerializerContext;
