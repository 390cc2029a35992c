using Microsoft.Extensions.Hosting;

namespace ContinualSegment.Node.Hosting;

/// <summary>Starts the database first and stops it last (registered before every other service).</summary>
public sealed class DatabaseService(NodeDatabase database) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => database.StartAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken) => await database.DisposeAsync().ConfigureAwait(false);
}
