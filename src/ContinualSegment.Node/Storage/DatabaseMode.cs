namespace ContinualSegment.Node.Storage;

/// <summary>Where the node's PostgreSQL comes from.</summary>
public enum DatabaseMode
{
    /// <summary>The node creates (once) and starts its own cluster under <see cref="DatabaseOptions.DataDirectory"/>, and stops it on exit.</summary>
    Managed,

    /// <summary>The node uses the server named by <c>ConnectionStrings:Postgres</c>.</summary>
    External,
}
