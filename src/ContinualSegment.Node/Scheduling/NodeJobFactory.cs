using Quartz;
using Quartz.Extensibility;

namespace ContinualSegment.Node.Scheduling;

/// <summary>Makes the scheduler's jobs from the rounds the scheduler service set up, by job key (no container lookups).</summary>
internal sealed class NodeJobFactory : IJobFactory
{
    private readonly IReadOnlyDictionary<JobKey, ScheduledRound> rounds;

    public NodeJobFactory(IReadOnlyDictionary<JobKey, ScheduledRound> rounds) => this.rounds = rounds;

    public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return rounds.TryGetValue(bundle.JobDetail.Key, out var round)
            ? ValueTask.FromResult(new JobScope(round, null))
            : throw new SchedulerException($"this node has no scheduled job '{bundle.JobDetail.Key}'");
    }

    // The rounds live as long as the scheduler: nothing to release per firing.
    public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
