namespace ContinualSegment.Imaging;

/// <summary>A coded concept triplet (code value, coding scheme designator, code meaning).</summary>
public sealed record CodedConcept(string Code, string Scheme, string Meaning);
