using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using ContinualSegment.Cli.DicomTools;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// Ingest throughput: dcmtk's storescu (TCP_NODELAY=1) sends the same CT series to dcmtk's storescp and to our
/// storage SCP (files written without fsync), over one association and over several in parallel, in one run.
/// The ratio is storescp's median time over ours: above 1 means we receive faster. Neither side flushes files to
/// disk (storescp does not); ours still gives each file its name only when it is complete, as the durability rules
/// require. Both write into the same directory, by default one in memory: on a disk the time to create a file
/// depends on what the file system did in the minutes before (a journal-less ext4 scans every inode freed in the
/// last one to six minutes on each creation; the page cache may be writing back), which would measure the
/// machine's history instead of the receivers. Before timing, our receiver gets untimed runs while the runtime
/// compiles its code in tiers (a method is recompiled optimised after 30 calls, and some run once per association,
/// so this takes a few dozen associations): a node receives for days, so the steady state is what counts; the
/// methods compiled during the timed runs are reported. Like a node's, our receiver is started once and serves every
/// run; storescp is started once per case. Before each run the receiver's files are removed (untimed). Each case
/// starts with one untimed run per receiver, then the timed runs alternate between them.
/// With <see cref="IngestBenchmarkOptions.Durable"/> our receiver is the node's ingest itself (<see cref="DurableIngestReceiver"/>:
/// every file and its directory flushed and its row committed in PostgreSQL before success), everything is written to a
/// disk, never to memory, and Orthanc in its default configuration is timed as well (<see cref="OrthancReceiver"/>).
/// </summary>
public sealed class IngestBenchmark
{
    private const string ScpAe = "BENCH-SCP";

    private readonly IngestBenchmarkOptions options;
    private readonly TextWriter output;
    private long compiledWhileTimed;
    private string? receivedRoot;

    public IngestBenchmark(IngestBenchmarkOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>Runs every case and returns the ratio per case (storescp time / our time).</summary>
    public async Task<IReadOnlyDictionary<string, double>> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCasesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The received files are only evidence for the run (and may sit in memory): none are kept.
            if (receivedRoot is { } root && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, double>> RunCasesAsync(CancellationToken cancellationToken)
    {
        var files = await SeriesFilesAsync(cancellationToken).ConfigureAwait(false);
        var bytes = files.Sum(f => new FileInfo(f).Length);
        var megabytes = bytes / 1e6;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"series: {files.Count} files, {megabytes:0.0} MB")).ConfigureAwait(false);
        var received = receivedRoot = ReceivedRoot(bytes);
        return options.Durable
            ? await RunDurableCasesAsync(files, megabytes, received, cancellationToken).ConfigureAwait(false)
            : await RunFileCasesAsync(files, megabytes, received, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyDictionary<string, double>> RunFileCasesAsync(IReadOnlyList<string> files, double megabytes, string received, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"receivers: storescp (no fsync, writes each file under its final name) and ours (no fsync, the file named when complete), both writing under {received}; ours started once, storescp once per case, files removed between runs").ConfigureAwait(false);

        // Our receiver runs for the whole benchmark, as a node's does; storescp is started per case (--fork or not).
        var oursDirectory = FreshDirectory("ours");
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listen = ListenTool.RunAsync(
            new ListenToolOptions
            {
                AeTitle = ScpAe,
                Port = 0,
                OutputDirectory = oursDirectory,
                Fsync = false,
                BindAddress = IPAddress.Loopback,
                MaxAssociations = options.ParallelAssociations + 2,
                Started = port => started.TrySetResult(port),
            },
            TextWriter.Null,
            stop.Token);
        try
        {
            var ours = new Receiver(oursDirectory, await started.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false));
            return await RunAllCasesAsync(files, megabytes, ours, null, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await listen.ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<string, double>> RunDurableCasesAsync(IReadOnlyList<string> files, double megabytes, string received, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"receivers: storescp (no fsync), the node's ingest (file and directory flushed, row committed in PostgreSQL before success) and Orthanc (default configuration), all writing under {received}; the node and Orthanc started once, storescp once per case, everything received removed between runs").ConfigureAwait(false);
        await using var node = await DurableIngestReceiver.StartAsync(ScpAe, FreshDirectory("node"), options.WorkDirectory, options.ConnectionString, options.ParallelAssociations + 2, cancellationToken).ConfigureAwait(false);
        await using var orthanc = await OrthancReceiver.StartAsync(ScpAe, FreshDirectory("orthanc"), cancellationToken).ConfigureAwait(false);
        var ours = new Receiver(node.Root, node.Port, node.ResetAsync, node.CountAsync);
        var theirs = new Receiver(Path.Combine(received, "orthanc"), orthanc.Port, orthanc.ResetAsync, orthanc.CountAsync);
        var instanceBytes = (int)Math.Clamp(megabytes * 1e6 / files.Count, 1, int.MaxValue);
        var flush = FlushProbe.MedianMilliseconds(node.Root, instanceBytes, 50);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"this disk: a file of {instanceBytes / 1e6:0.00} MB made durable (written, flushed, its directory flushed) takes {flush:0.00} ms (median of 50); {files.Count} instances over one association wait at least {files.Count * flush / 1000:0.000} s for that alone")).ConfigureAwait(false);
        var ratios = new Dictionary<string, double>(await RunAllCasesAsync(files, megabytes, ours, theirs, flush, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal)
        {
            ["flush milliseconds"] = flush,
        };
        return ratios;
    }

    /// <summary>Each case (one association, then the parallel ones): storescp against ours, then Orthanc when given.</summary>
    /// <param name="flushMilliseconds">With --durable: what making one instance durable costs on the receivers' disk (<see cref="FlushProbe"/>).</param>
    private async Task<IReadOnlyDictionary<string, double>> RunAllCasesAsync(IReadOnlyList<string> files, double megabytes, Receiver ours, Receiver? orthanc, double? flushMilliseconds, CancellationToken cancellationToken)
    {
        await WarmUpAsync(files, ours, cancellationToken).ConfigureAwait(false);
        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var associations in new[] { 1, options.ParallelAssociations })
        {
            var name = associations == 1 ? "1 association" : $"{associations} associations";
            var (t, o) = await RunCaseAsync(files, associations, ours, cancellationToken).ConfigureAwait(false);
            ratios[name] = t / o;
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: storescp {t:0.000} s ({megabytes / t:0.0} MB/s), ours {o:0.000} s ({megabytes / o:0.0} MB/s), ratio {t / o:0.00}; methods compiled during our timed runs: {compiledWhileTimed}")).ConfigureAwait(false);
            if (flushMilliseconds is { } flush)
            {
                // A durable receiver answers each instance only after its flush, and an association sends its next instance
                // only after the answer: the flushes of one association follow each other, those of parallel ones can overlap.
                var floor = t + (files.Count * flush / 1000 / associations);
                ratios[name + " ceiling"] = t / floor;
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}: a durable receiver as fast as storescp but for the flushes would need at least {floor:0.000} s here: ratio at most {t / floor:0.00}")).ConfigureAwait(false);
            }
            compiledWhileTimed = 0;
            if (orthanc is not null)
            {
                var times = new List<double>();
                await TimeAsync(files, associations, orthanc, cancellationToken).ConfigureAwait(false);
                for (var run = 0; run < options.Repetitions; run++)
                {
                    times.Add(await TimeAsync(files, associations, orthanc, cancellationToken).ConfigureAwait(false));
                }

                var x = BenchStatistics.Median(times);
                ratios[name + " vs Orthanc"] = x / o;
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}: Orthanc {x:0.000} s ({megabytes / x:0.0} MB/s), ours {o:0.000} s, ratio {x / o:0.00}")).ConfigureAwait(false);
            }
        }

        return ratios;
    }

    /// <summary>One case: storescp started for it, one untimed run each, then the timed runs alternating; the medians.</summary>
    private async Task<(double Theirs, double Ours)> RunCaseAsync(IReadOnlyList<string> files, int associations, Receiver ours, CancellationToken cancellationToken)
    {
        var theirDirectory = FreshDirectory("storescp");
        var port = LoopbackPort.Free();
        var args = new List<string> { "--aetitle", ScpAe, "--output-directory", theirDirectory };
        if (associations > 1)
        {
            args.Add("--fork");
        }

        args.Add(port.ToString(CultureInfo.InvariantCulture));
        using var scp = Start("storescp", args);
        try
        {
            await LoopbackPort.WaitForListenerAsync(port, cancellationToken).ConfigureAwait(false);
            var theirs = new Receiver(theirDirectory, port);
            var theirTimes = new List<double>();
            var ourTimes = new List<double>();

            // One untimed run each first: the page cache holds the series and each receiver has seen this case.
            await TimeAsync(files, associations, theirs, cancellationToken).ConfigureAwait(false);
            await TimeAsync(files, associations, ours, cancellationToken).ConfigureAwait(false);
            for (var run = 0; run < options.Repetitions; run++)
            {
                theirTimes.Add(await TimeAsync(files, associations, theirs, cancellationToken).ConfigureAwait(false));
                var before = JitInfo.GetCompiledMethodCount();
                ourTimes.Add(await TimeAsync(files, associations, ours, cancellationToken).ConfigureAwait(false));
                compiledWhileTimed += JitInfo.GetCompiledMethodCount() - before;
            }

            return (BenchStatistics.Median(theirTimes), BenchStatistics.Median(ourTimes));
        }
        finally
        {
            scp.Kill(entireProcessTree: true);
            await scp.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <see cref="IngestBenchmarkOptions.WarmupRuns"/> untimed runs over the parallel associations to our receiver.</summary>
    private async Task WarmUpAsync(IReadOnlyList<string> files, Receiver ours, CancellationToken cancellationToken)
    {
        var compiled = new List<long>();
        for (var run = 0; run < options.WarmupRuns; run++)
        {
            var before = JitInfo.GetCompiledMethodCount();
            await TimeAsync(files, options.ParallelAssociations, ours, cancellationToken).ConfigureAwait(false);
            compiled.Add(JitInfo.GetCompiledMethodCount() - before);
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"warm-up: {options.WarmupRuns} untimed runs to our receiver over {options.ParallelAssociations} associations, methods compiled per run: {string.Join(' ', compiled)}")).ConfigureAwait(false);
    }

    /// <summary>Empties the receiver's directory (untimed), sends the series and waits until every file is there.</summary>
    private static async Task<double> TimeAsync(IReadOnlyList<string> files, int associations, Receiver receiver, CancellationToken cancellationToken)
    {
        if (receiver.Reset is { } reset)
        {
            await reset(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(receiver.Directory))
            {
                File.Delete(file);
            }
        }

        var seconds = await SendAsync(files, receiver.Port, associations, cancellationToken).ConfigureAwait(false);
        if (receiver.Count is { } count)
        {
            // A receiver that answers success only when an instance is stored holds them all once storescu is done.
            var held = await count(cancellationToken).ConfigureAwait(false);
            if (held != files.Count)
            {
                throw new InvalidOperationException($"the receiver holds {held} of {files.Count} instances after storescu succeeded");
            }
        }
        else
        {
            await WaitForFilesAsync(receiver.Directory, files.Count, cancellationToken).ConfigureAwait(false);
        }

        return seconds;
    }

    /// <summary>
    /// A directory of this run's own (removed afterwards) in the chosen place, else in memory when it has room for
    /// what both receivers hold at once (<paramref name="seriesBytes"/> each, with a margin), else in the work directory.
    /// </summary>
    private string ReceivedRoot(long seriesBytes)
    {
        // A name no other run can hold, created here: the directory removed at the end is always this run's own.
        var name = $"cseg-bench-ingest-{Environment.ProcessId}-{Guid.NewGuid():N}";
        if (options.ReceivedDirectory is { } chosen)
        {
            return Directory.CreateDirectory(Path.Combine(chosen, name)).FullName;
        }

        const string memory = "/dev/shm";
        if (!options.Durable && OperatingSystem.IsLinux() && Directory.Exists(memory) && new DriveInfo(memory).AvailableFreeSpace > (seriesBytes * 5 / 2) + (64L << 20))
        {
            try
            {
                return Directory.CreateDirectory(Path.Combine(memory, name)).FullName;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not writable here: fall back to the work directory.
            }
        }

        return Directory.CreateDirectory(Path.Combine(options.WorkDirectory, name)).FullName;
    }

    private async Task<IReadOnlyList<string>> SeriesFilesAsync(CancellationToken cancellationToken)
    {
        var dir = options.SeriesDirectory ?? Path.Combine(options.WorkDirectory, "series");
        if (options.SeriesDirectory is null && !Directory.Exists(dir))
        {
            await output.WriteLineAsync("generating a 512×512×300 CT series").ConfigureAwait(false);
            var volume = new Volume<float>(512, 512, 300, Affine3D.Axial(new Vec3(-250, -250, -600), new Vec3(0.98, 0.98, 2.0)));
            var random = new Random(1);
            for (var i = 0; i < volume.Data.Length; i++)
            {
                var x = (i % 512) - 256;
                var y = (i / 512 % 512) - 256;
                volume.Data[i] = ((x * x) + (y * y) < 200 * 200 ? 40 : -1000) + (float)((random.NextDouble() - 0.5) * 40);
            }

            await CtSeriesWriter.WriteAsync(volume, new CtSeriesMetadata
            {
                PatientName = "Bench^Ingest",
                PatientId = "BENCH-1",
                StudyInstanceUid = DicomUid.Generate(),
                SeriesInstanceUid = DicomUid.Generate(),
                FrameOfReferenceUid = DicomUid.Generate(),
            }, dir, cancellationToken).ConfigureAwait(false);
        }

        var files = Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"no .dcm files in {dir}");
    }

    private static async Task<double> SendAsync(IReadOnlyList<string> files, int port, int associations, CancellationToken cancellationToken)
    {
        var groups = Enumerable.Range(0, associations).Select(g => files.Where((_, i) => i % associations == g).ToList()).ToList();
        var watch = Stopwatch.StartNew();
        var senders = groups.Select(group =>
        {
            var args = new List<string> { "--aetitle", "BENCH-SCU", "--call", ScpAe, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture) };
            args.AddRange(group);
            return Start("storescu", args);
        }).ToList();
        try
        {
            foreach (var sender in senders)
            {
                await sender.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                if (sender.ExitCode != 0)
                {
                    var said = await sender.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    throw new InvalidOperationException($"storescu exited with {sender.ExitCode}: {said.Trim()}");
                }
            }

            return watch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var sender in senders)
            {
                sender.Dispose();
            }
        }
    }

    private static Process Start(string program, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = false, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["TCP_NODELAY"] = "1";
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    }

    /// <summary>
    /// A running receiver: where it writes and the port it listens on; receivers that keep more than files (the node's
    /// rows, Orthanc's index) say how to empty themselves and how many instances they hold.
    /// </summary>
    private sealed record Receiver(string Directory, int Port, Func<CancellationToken, Task>? Reset = null, Func<CancellationToken, Task<int>>? Count = null);

    private string FreshDirectory(string name)
    {
        var dir = Path.Combine(receivedRoot ?? throw new InvalidOperationException("The received-files directory is chosen first."), name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        return Directory.CreateDirectory(dir).FullName;
    }

    private static async Task WaitForFilesAsync(string dir, int count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetFiles(dir).Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{dir} holds {Directory.GetFiles(dir).Length} of {count} files");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }
}
