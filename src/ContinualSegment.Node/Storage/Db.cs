using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>Opening a connection with a transaction, the way every queue of the node starts its changes.</summary>
internal static class Db
{
    /// <summary>An open connection and a transaction on it; the caller disposes both (the transaction first).</summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
