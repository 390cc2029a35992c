using Microsoft.Extensions.Logging;

namespace ContinualSegment.Phantom;

/// <summary>
/// Log messages of the phantom dataset writer (event ids 5000–5099).
/// Blocks in use in this project: 5000–5099 ContinualSegment.Phantom.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "Phantom case {CaseId} written: {SizeX}×{SizeY}×{SizeZ} voxels, DICOM {Dicom}, in {ElapsedMs:F0} ms")]
    public static partial void CaseWritten(ILogger logger, string caseId, int sizeX, int sizeY, int sizeZ, bool dicom, double elapsedMs);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Phantom dataset of task {Task} written: {Cases} cases in {Directory}")]
    public static partial void DatasetWritten(ILogger logger, string task, int cases, string directory);
}
