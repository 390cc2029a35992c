using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace ContinualSegment.Node.Scheduling;

/// <summary>
/// One scheduled piece of work run by the clustered scheduler: at most one process of the cluster runs it at a time
/// (<see cref="DisallowConcurrentExecutionAttribute"/> is honoured across the cluster by the job store). A failure
/// the next round may not see (disk, database) is logged and left to the next firing.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledRound : IJob
{
    private readonly string name;
    private readonly Func<IScheduler, CancellationToken, Task> round;
    private readonly ILogger logger;

    public ScheduledRound(string name, Func<IScheduler, CancellationToken, Task> round, ILogger logger)
    {
        this.name = name;
        this.round = round;
        this.logger = logger;
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await round(context.Scheduler, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            Log.RoundFailed(logger, name, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.RoundFailed(logger, name, ex.Message);
        }
        catch (NpgsqlException ex)
        {
            Log.RoundFailed(logger, name, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The scheduler is shutting down; the next process (or start) runs the round again.
        }
    }
}
