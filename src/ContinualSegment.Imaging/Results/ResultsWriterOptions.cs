using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Imaging.Results;

/// <summary>The clock and logging of <see cref="ResultsWriter"/>.</summary>
public sealed class ResultsWriterOptions
{
    public static ResultsWriterOptions Default { get; } = new();

    /// <summary>The clock that dates the Segmentation and the structure set.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the writer and the writers it calls log (files written, with timings); nothing by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
