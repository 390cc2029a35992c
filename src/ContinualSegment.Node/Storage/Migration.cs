namespace ContinualSegment.Node.Storage;

/// <summary>One forward-only migration (<c>V0001__init.sql</c>): its version, name, text and SHA-256 checksum.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);
