using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Storage;

/// <summary>Log messages of the storage concern (event ids 12000-12099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 12000, Level = LogLevel.Information, Message = "Created the managed PostgreSQL cluster in {Cluster}")]
    public static partial void ClusterCreated(ILogger logger, string cluster);

    [LoggerMessage(EventId = 12001, Level = LogLevel.Information, Message = "Started the managed PostgreSQL cluster in {Cluster} on 127.0.0.1:{Port}")]
    public static partial void ClusterStarted(ILogger logger, string cluster, int port);

    [LoggerMessage(EventId = 12002, Level = LogLevel.Information, Message = "Using the managed PostgreSQL cluster already running in {Cluster} on 127.0.0.1:{Port}")]
    public static partial void ClusterJoined(ILogger logger, string cluster, int port);

    [LoggerMessage(EventId = 12003, Level = LogLevel.Information, Message = "Stopped the managed PostgreSQL cluster in {Cluster}")]
    public static partial void ClusterStopped(ILogger logger, string cluster);

    [LoggerMessage(EventId = 12004, Level = LogLevel.Error, Message = "Could not stop the managed PostgreSQL cluster in {Cluster}: {Reason}")]
    public static partial void ClusterStopFailed(ILogger logger, string cluster, string reason);

    [LoggerMessage(EventId = 12010, Level = LogLevel.Information, Message = "Database schema at version {Version}; applied {Applied} migration(s)")]
    public static partial void SchemaReady(ILogger logger, int version, int applied);

    [LoggerMessage(EventId = 12011, Level = LogLevel.Information, Message = "Applied migration {Name} in {Milliseconds} ms")]
    public static partial void MigrationApplied(ILogger logger, string name, long milliseconds);
}
