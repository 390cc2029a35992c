using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ContinualSegment.Cli.Commands;
using ContinualSegment.Imaging;
using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// The node end to end: <c>cseg serve</c> (its own process, managed PostgreSQL unless a connection is given, the given
/// model) with a dcmtk storescp as the PACS destination (accepting Deflated Explicit VR Little Endian besides the uncompressed syntaxes, keeping data sets as received); dcmtk storescu sends a whole-body phantom study and the clock
/// runs from the first C-STORE until both SEG and RTSTRUCT are at the PACS. The stages come from the node's own records:
/// receive (first to last instance stored), quiet period (last instance to the job queued: the configured quiet period
/// plus the scheduler's tick), queue wait (queued to claimed), the job (reading, the model's computation — inference —,
/// writing results) and export (job done to delivered). The node's overhead is everything but the configured quiet
/// period and inference, set against inference.
/// </summary>
public sealed partial class E2eBenchmark
{
    private const string NodeAe = "CSEG";
    private const string PacsAe = "PACS";
    private const int WarmUpSize = 128;
    private const int WarmUpSlices = 64;

    /// <summary>The phases of the model's own computation (<see cref="Model.Pipeline.PhaseTiming"/>), together "inference".</summary>
    private static readonly string[] ModelPhases = ["resample", "normalise", "bodypart", "inference", "merge", "labels", "overlaps"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly E2eBenchmarkOptions options;
    private readonly TextWriter output;

    public E2eBenchmark(E2eBenchmarkOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>Runs the study through the node once and returns the stages (also written as bench-e2e.json).</summary>
    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        var catalogue = StructureCatalogue.LoadDefault();
        var model = options.ModelDirectory is { } m ? Path.GetFullPath(m) : SegmentCommand.DefaultModelDirectory();
        var seriesDir = Path.Combine(work, "ct");
        await output.WriteLineAsync(await InferenceBenchmark.EnsureStudyAsync(seriesDir, Path.Combine(work, "truth.nii.gz"), options.Size, options.Slices, options.Seed, catalogue, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var files = Directory.GetFiles(seriesDir, "*.dcm");
        var warmUpDir = Path.Combine(work, "warm-up-ct");
        if (options.WarmUp)
        {
            await output.WriteLineAsync(await InferenceBenchmark.EnsureStudyAsync(warmUpDir, Path.Combine(work, "warm-up-truth.nii.gz"), WarmUpSize, WarmUpSlices, options.Seed + 1, catalogue, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"model: {model}").ConfigureAwait(false);

        var pacs = Fresh(Path.Combine(work, "pacs"));
        var nodeDir = Fresh(Path.Combine(work, "node"));
        var pacsPort = LoopbackPort.Free();
        // The PACS accepts Deflated Explicit VR Little Endian (+xd), as Orthanc and most archives do, so the Segmentation
        // travels as the node wrote it (Export:DeflateSegmentation), and keeps what arrives bit for bit (+B), as an
        // archive does, instead of decoding and encoding it again before it answers.
        using var storescp = Start("storescp", ["--aetitle", PacsAe, "+xd", "+B", "--output-directory", pacs, pacsPort.ToString(CultureInfo.InvariantCulture)], null, null);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Node:Name"] = "bench-e2e",
            ["Node:TorchThreads"] = options.TorchThreads.ToString(CultureInfo.InvariantCulture),
            ["Dicom:AeTitle"] = NodeAe,
            ["Dicom:Port"] = "0",
            ["Dicom:BindAddress"] = "127.0.0.1",
            ["Storage:Root"] = Path.Combine(nodeDir, "storage"),
            ["Storage:LowWaterMarkMegabytes"] = "256",
            ["Database:Mode"] = options.ConnectionString is null ? "Managed" : "External",
            ["Database:DataDirectory"] = Path.Combine(nodeDir, "pgdata"),
            ["ConnectionStrings:Postgres"] = options.ConnectionString ?? string.Empty,
            ["Model:Directory"] = model,
            ["Routing:QuietPeriodSeconds"] = options.QuietPeriodSeconds.ToString(CultureInfo.InvariantCulture),
            ["Routing:Default:Destinations:0"] = PacsAe,
            ["Scheduler:Interval"] = "00:00:00.5",
            ["Destinations:PACS:AeTitle"] = PacsAe,
            ["Destinations:PACS:Host"] = "127.0.0.1",
            ["Destinations:PACS:Port"] = pacsPort.ToString(CultureInfo.InvariantCulture),
            ["Export:PollInterval"] = "00:00:01",
        };
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var node = Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "cseg.dll"), "serve"], settings, nodeDir);
        node.OutputDataReceived += (_, e) => Collect(e.Data, log, listening);
        node.ErrorDataReceived += (_, e) => Collect(e.Data, log, listening);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            var started = await Task.WhenAny(listening.Task, node.WaitForExitAsync(cancellationToken), Task.Delay(TimeSpan.FromMinutes(3), cancellationToken)).ConfigureAwait(false);
            if (started != listening.Task)
            {
                throw new IOException($"cseg serve did not start listening:{Environment.NewLine}{Text(log)}");
            }

            var port = await listening.Task.ConfigureAwait(false);
            await output.WriteLineAsync($"node: cseg serve listening on port {port} ({(options.ConnectionString is null ? "managed PostgreSQL" : "external PostgreSQL")}, quiet period {options.QuietPeriodSeconds} s); PACS: storescp on port {pacsPort}").ConfigureAwait(false);

            if (options.WarmUp)
            {
                var warm = Stopwatch.StartNew();
                await SendAndWaitAsync(warmUpDir, port, pacs, node, log, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warm-up study ({WarmUpSize}×{WarmUpSize}×{WarmUpSlices}, untimed) through the node in {warm.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
                foreach (var received in Directory.GetFiles(pacs))
                {
                    File.Delete(received);
                }
            }

            var clock = Stopwatch.StartNew();
            var firstStore = DateTimeOffset.UtcNow;
            await SendAndWaitAsync(seriesDir, port, pacs, node, log, cancellationToken).ConfigureAwait(false);
            var total = clock.Elapsed.TotalSeconds;
            var connection = options.ConnectionString ?? NodeConnection.For(new DatabaseOptions { Mode = DatabaseMode.Managed, DataDirectory = settings["Database:DataDirectory"] });
            var stages = await StagesAsync(connection, firstStore, total, cancellationToken).ConfigureAwait(false);
            // The peer's part of receiving: the same study from storescu to a storescp of its own (no fsync, no database;
            // not the PACS, whose one association at a time may still be held by the node's exporter), after the timed
            // study so nothing of it competes with the node's work.
            var peer = await TimeSendAsync(seriesDir, Path.Combine(work, "peer"), cancellationToken).ConfigureAwait(false);
            stages["storescpReceiveSeconds"] = Round(peer);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"the same study from storescu to a storescp (no fsync, no database): {peer:0.000} s; the node received it in {stages["receiveSeconds"]} s")).ConfigureAwait(false);
            stages["instances"] = files.Length;
            stages["study"] = string.Create(CultureInfo.InvariantCulture, $"{options.Size}x{options.Size}x{options.Slices}");
            await File.WriteAllTextAsync(Path.Combine(work, "bench-e2e.json"), stages.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
            return stages;
        }
        finally
        {
            await StopAsync(node).ConfigureAwait(false);
            storescp.Kill(entireProcessTree: true);
            await storescp.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Seconds storescu takes to send a series to a storescp started for it (writing under <paramref name="directory"/>, removed after).</summary>
    private static async Task<double> TimeSendAsync(string seriesDir, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var port = LoopbackPort.Free();
        using var storescp = Start("storescp", ["--aetitle", PacsAe, "+B", "--output-directory", directory, port.ToString(CultureInfo.InvariantCulture)], null, null);
        try
        {
            await LoopbackPort.WaitForListenerAsync(port, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            using var storescu = Start("storescu", ["--aetitle", "MODALITY", "--call", PacsAe, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "+sd", seriesDir], null, null);
            await storescu.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (storescu.ExitCode != 0)
            {
                throw new IOException($"storescu to a storescp exited with {storescu.ExitCode}: {(await storescu.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim()}");
            }

            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            storescp.Kill(entireProcessTree: true);
            await storescp.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Sends a series with storescu and waits until a SEG and an RTSTRUCT are at the PACS.</summary>
    private async Task SendAndWaitAsync(string seriesDir, int port, string pacs, Process node, StringBuilder log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var storescu = Start("storescu", ["--aetitle", "MODALITY", "--call", NodeAe, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "+sd", seriesDir], null, null))
        {
            await storescu.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (storescu.ExitCode != 0)
            {
                throw new IOException($"storescu exited with {storescu.ExitCode}: {(await storescu.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim()}");
            }
        }

        var sent = clock.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"sent {Directory.GetFiles(seriesDir, "*.dcm").Length} instances in {sent:0.0} s; waiting for SEG and RTSTRUCT at the PACS")).ConfigureAwait(false);
        var deadline = TimeSpan.FromMinutes(30);
        while (!(Directory.EnumerateFiles(pacs, "SG*").Any() && Directory.EnumerateFiles(pacs, "RS*").Any()))
        {
            if (node.HasExited)
            {
                throw new IOException($"cseg serve stopped:{Environment.NewLine}{Text(log)}");
            }

            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"no SEG and RTSTRUCT at the PACS after {deadline}:{Environment.NewLine}{Text(log)}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonObject> StagesAsync(string connectionString, DateTimeOffset firstStore, double total, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var series = await connection.QuerySingleAsync<(DateTime First, DateTime Last, long Job)>(new CommandDefinition(
            "select s.first_received_at, s.last_received_at, j.id from series s join jobs j on j.series_ref = s.id order by j.id desc limit 1",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // The PACS has both files a moment before the node records their delivery (after the PACS's answer).
        var deliveredStage = $"delivery:{PacsAe}:delivered";
        List<(DateTime At, string Stage, string Detail)> events;
        for (var attempt = 0; ; attempt++)
        {
            events = (await connection.QueryAsync<(DateTime At, string Stage, string Detail)>(new CommandDefinition(
                "select at, stage, detail from job_events where job_ref = @job order by id",
                new { job = series.Job },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            if (events.Any(e => e.Stage == deliveredStage) || attempt == 300)
            {
                break;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        DateTimeOffset At(string stage) => events.FirstOrDefault(e => e.Stage == stage) is { Stage: not null } e
            ? new DateTimeOffset(DateTime.SpecifyKind(e.At, DateTimeKind.Utc))
            : throw new InvalidDataException($"the job's timeline has no '{stage}' event");
        var phases = events.Where(e => e.Stage.StartsWith("phase:", StringComparison.Ordinal))
            .ToDictionary(e => e.Stage["phase:".Length..], e => double.Parse(e.Detail, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var inference = ModelPhases.Sum(p => phases.GetValueOrDefault(p));
        var first = new DateTimeOffset(DateTime.SpecifyKind(series.First, DateTimeKind.Utc));
        var last = new DateTimeOffset(DateTime.SpecifyKind(series.Last, DateTimeKind.Utc));
        var queued = At("queued");
        var claimed = At("claimed");
        var succeeded = At("succeeded");
        var delivered = At(deliveredStage);
        var job = (succeeded - claimed).TotalSeconds;
        var writing = phases.GetValueOrDefault("writeResults");
        var stages = new JsonObject
        {
            ["totalSeconds"] = Round(total),
            ["receiveSeconds"] = Round((last - first).TotalSeconds + (first - firstStore).TotalSeconds),
            ["quietPeriodSeconds"] = Round((queued - last).TotalSeconds),
            ["configuredQuietPeriodSeconds"] = options.QuietPeriodSeconds,
            ["queueWaitSeconds"] = Round((claimed - queued).TotalSeconds),
            ["jobSeconds"] = Round(job),
            ["inferenceSeconds"] = Round(inference),
            ["writingSeconds"] = Round(writing),
            ["jobOtherSeconds"] = Round(job - inference - writing),
            ["exportSeconds"] = Round((delivered - succeeded).TotalSeconds),
            ["phases"] = new JsonObject(phases.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        var overhead = total - options.QuietPeriodSeconds - inference;
        stages["overheadSeconds"] = Round(overhead);
        stages["overheadOfInference"] = Math.Round(overhead / inference, 4);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"first C-STORE to SEG + RTSTRUCT at the PACS: {total:0.0} s = receive {stages["receiveSeconds"]} s, quiet period {stages["quietPeriodSeconds"]} s (configured {options.QuietPeriodSeconds} s), queue wait {stages["queueWaitSeconds"]} s, job {stages["jobSeconds"]} s (inference {stages["inferenceSeconds"]} s, writing {stages["writingSeconds"]} s, reading and the rest {stages["jobOtherSeconds"]} s), export {stages["exportSeconds"]} s")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"node overhead (all but the configured quiet period and inference): {overhead:0.00} s = {overhead / inference * 100:0.0} % of inference (goal ≤ 5 %)")).ConfigureAwait(false);
        return stages;
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);

    private static void Collect(string? line, StringBuilder log, TaskCompletionSource<int> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static async Task StopAsync(Process node)
    {
        if (!node.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", node.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await node.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static Process Start(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? settings, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = settings is not null,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["TCP_NODELAY"] = "1";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment["CSEG_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(start) ?? throw new IOException($"could not start {program}");
    }

    private static string Fresh(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Directory.CreateDirectory(directory).FullName;
    }

    [GeneratedRegex(@"Listening as \S+ on port (\d+)")]
    private static partial Regex ListeningLine();
}
