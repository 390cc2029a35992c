using ContinualSegment.Node.Export;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;
using ContinualSegment.Node.Workers;

namespace ContinualSegment.Node.Hosting;

/// <summary>Every configuration section of the node, bound.</summary>
public sealed record NodeSections(
    NodeOptions Node,
    DicomListenerOptions Dicom,
    StorageOptions Storage,
    DatabaseOptions Database,
    IngestOptions Ingest,
    QueueOptions Queue,
    RoutingOptions Routing,
    SchedulerOptions Scheduler,
    WorkerOptions Model,
    ExportOptions Export,
    IReadOnlyDictionary<string, DestinationOptions> Destinations);
