using System.CommandLine;
using System.Globalization;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Storage;
using Npgsql;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg jobs</c>, <c>cseg deliveries</c>, <c>cseg audit</c>: look at and act on a node through its database (found
/// from the node's configuration: the managed cluster's data directory, or the external connection string).
/// </summary>
public static class NodeAdminCommand
{
    private const string Actor = "cseg-cli";

    /// <summary><c>cseg jobs list|show|retry</c>.</summary>
    public static Command Jobs(TextWriter output, TextWriter error)
    {
        var command = new Command("jobs", "List, show and retry the node's segmentation jobs.");
        var state = new Option<string?>("--state") { Description = "Only jobs in this state (queued, running, succeeded, failed, dead)." };
        var limit = Limit();
        var config = CommonOptions.Config();
        var list = new Command("list", "The newest jobs.") { config, state, limit };
        list.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(config), "jobs list", error, async db =>
        {
            foreach (var j in await JobBoard.ListAsync(db, parse.GetValue(state), parse.GetValue(limit), ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(Line($"{j.Id,6}  {j.State,-9} {j.Attempts}/{j.MaxAttempts}  {j.CreatedAt:yyyy-MM-dd HH:mm:ss}  {j.Route,-12} {j.SeriesInstanceUid} v{j.ContentVersion}  {j.LastError}")).ConfigureAwait(false);
            }

            return CsegApp.Success;
        }));

        var id = new Argument<long>("ID") { Description = "The job's number." };
        var showConfig = CommonOptions.Config();
        var show = new Command("show", "One job and its timeline.") { showConfig, id };
        show.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(showConfig), "jobs show", error, async db =>
        {
            if (await JobBoard.ShowAsync(db, parse.GetValue(id), ct).ConfigureAwait(false) is not { } found)
            {
                await error.WriteLineAsync(Line($"cseg jobs show: no job {parse.GetValue(id)}")).ConfigureAwait(false);
                return CsegApp.Failure;
            }

            var j = found.Job;
            await output.WriteLineAsync(Line($"job {j.Id}: {j.State}, attempt {j.Attempts} of {j.MaxAttempts}, route {j.Route}, series {j.SeriesInstanceUid} (content version {j.ContentVersion})")).ConfigureAwait(false);
            if (j.LastError.Length > 0)
            {
                await output.WriteLineAsync($"last error: {j.LastError}").ConfigureAwait(false);
            }

            foreach (var e in found.Timeline)
            {
                await output.WriteLineAsync(Line($"  {e.At:yyyy-MM-dd HH:mm:ss.fff}  {e.Stage,-28} {e.Detail}")).ConfigureAwait(false);
            }

            return CsegApp.Success;
        }));

        var retryId = new Argument<long>("ID") { Description = "The job's number." };
        var retryConfig = CommonOptions.Config();
        var retry = new Command("retry", "Queue a failed or dead job again.") { retryConfig, retryId };
        retry.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(retryConfig), "jobs retry", error, async db =>
        {
            var queue = new JobQueue(db, new QueueOptions());
            if (!await queue.RetryAsync(parse.GetValue(retryId), Actor, ct).ConfigureAwait(false))
            {
                await error.WriteLineAsync(Line($"cseg jobs retry: job {parse.GetValue(retryId)} does not exist or is not failed or dead")).ConfigureAwait(false);
                return CsegApp.Failure;
            }

            await output.WriteLineAsync(Line($"job {parse.GetValue(retryId)} queued again")).ConfigureAwait(false);
            return CsegApp.Success;
        }));

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(retry);
        return command;
    }

    /// <summary><c>cseg deliveries list|resend</c>.</summary>
    public static Command Deliveries(TextWriter output, TextWriter error)
    {
        var command = new Command("deliveries", "List and resend the node's result deliveries.");
        var config = CommonOptions.Config();
        var state = new Option<string?>("--state") { Description = "Only deliveries in this state (pending, sending, delivered, dead)." };
        var limit = Limit();
        var list = new Command("list", "The newest deliveries.") { config, state, limit };
        list.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(config), "deliveries list", error, async db =>
        {
            foreach (var d in await DeliveryBoard.ListAsync(db, parse.GetValue(state), parse.GetValue(limit), ct).ConfigureAwait(false))
            {
                var when = d.DeliveredAt is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "next " + d.NextAttemptAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                await output.WriteLineAsync(Line($"{d.Id,6}  job {d.JobId,-6} {d.Destination,-12} {d.State,-9} attempts {d.Attempts}  {when}  {d.LastError}")).ConfigureAwait(false);
            }

            return CsegApp.Success;
        }));

        var id = new Argument<long>("ID") { Description = "The delivery's number." };
        var resendConfig = CommonOptions.Config();
        var resend = new Command("resend", "Send a delivery again now (the same SOP instances).") { resendConfig, id };
        resend.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(resendConfig), "deliveries resend", error, async db =>
        {
            switch (await new DeliveryQueue(db, new ExportOptions()).ResendAsync(parse.GetValue(id), Actor, ct).ConfigureAwait(false))
            {
                case ResendOutcome.NotFound:
                    await error.WriteLineAsync(Line($"cseg deliveries resend: no delivery {parse.GetValue(id)}")).ConfigureAwait(false);
                    return CsegApp.Failure;
                case ResendOutcome.NoResults:
                    await error.WriteLineAsync(Line($"cseg deliveries resend: the results of delivery {parse.GetValue(id)} are gone (removed after their retention days); send the series to the node again to make new ones")).ConfigureAwait(false);
                    return CsegApp.Failure;
                case ResendOutcome.InFlight:
                    await error.WriteLineAsync(Line($"cseg deliveries resend: delivery {parse.GetValue(id)} is being sent right now; see its outcome with cseg deliveries list")).ConfigureAwait(false);
                    return CsegApp.Failure;
            }

            await output.WriteLineAsync(Line($"delivery {parse.GetValue(id)} queued to be sent again")).ConfigureAwait(false);
            return CsegApp.Success;
        }));
        command.Subcommands.Add(list);
        command.Subcommands.Add(resend);
        return command;
    }

    /// <summary><c>cseg audit list</c>.</summary>
    public static Command Audit(TextWriter output, TextWriter error)
    {
        var command = new Command("audit", "Read the node's audit trail.");
        var config = CommonOptions.Config();
        var since = new Option<DateTimeOffset?>("--since") { Description = "Events at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Events before this time (ISO 8601)." };
        var ae = new Option<string?>("--ae") { Description = "Events of this AE title (calling, called or actor)." };
        var study = new Option<string?>("--study") { Description = "Events of this Study Instance UID." };
        var limit = Limit();
        var list = new Command("list", "Audit events, newest first.") { config, since, until, ae, study, limit };
        list.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(config), "audit list", error, async db =>
        {
            var filter = new AuditFilter { Since = parse.GetValue(since), Until = parse.GetValue(until), AeTitle = parse.GetValue(ae), StudyInstanceUid = parse.GetValue(study), Limit = parse.GetValue(limit) };
            foreach (var e in await AuditLog.ListAsync(db, filter, ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(Line($"{e.At:yyyy-MM-dd HH:mm:ss.fff}  {e.Outcome,-7} {e.Action,-22} {e.Actor,-16} {e.ObjectType} {e.ObjectId}  {e.Detail}")).ConfigureAwait(false);
            }

            return CsegApp.Success;
        }));
        command.Subcommands.Add(list);
        return command;
    }

    private static Option<int> Limit() => new("--limit") { Description = "At most this many rows.", DefaultValueFactory = _ => 50 };

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="action"/> on the database of the node that <paramref name="configFile"/> configures.</summary>
    internal static async Task<int> WithDatabaseAsync(string? configFile, string name, TextWriter error, Func<NpgsqlDataSource, Task<int>> action)
    {
        string connectionString;
        try
        {
            connectionString = NodeConnection.For(NodeHost.Bind(CsegConfiguration.Build(configFile)).Database);
        }
        catch (Exception ex) when (ex is ManagedPostgresException or NodeConfigurationException)
        {
            await error.WriteLineAsync($"cseg {name}: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (dataSource.ConfigureAwait(false))
        {
            try
            {
                return await action(dataSource).ConfigureAwait(false);
            }
            catch (NpgsqlException ex)
            {
                await error.WriteLineAsync($"cseg {name}: the node's database: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return CsegApp.Failure;
            }
        }
    }
}
