using ContinualSegment.Node.Export;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;

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
    IReadOnlyDictionary<string, DestinationOptions> Destinations);
