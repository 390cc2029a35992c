using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>
/// <c>cseg dicom send</c>: C-STORE of files and directory trees over one association, one line per instance and a
/// summary. Exit code 0 when every instance succeeded, 1 otherwise (or when a path is missing).
/// </summary>
internal static class SendTool
{
    public static async Task<int> RunAsync(SendToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options.Paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        var files = new List<string>();
        foreach (var path in options.Paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                await output.WriteLineAsync($"Not found: {path}").ConfigureAwait(false);
                return CsegApp.Failure;
            }
        }

        var clientOptions = options.ToClientOptions() with
        {
            MaxStoreAttempts = options.MaxAttempts,
            StoreRetryPolicy = options.MaxAttempts > 1 ? static (status, _) => status.IsFailure : null,
        };
        IReadOnlyList<DicomStoreResult> results;
        try
        {
            results = await DicomClient.SendFilesAsync(clientOptions, files, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DicomToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-STORE failed: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }

        foreach (var r in results)
        {
            var outcome = r.Status is { } s ? s.ToString() : "not sent";
            await output.WriteLineAsync($"{r.SourcePath}: {outcome}{(r.Error is null ? string.Empty : " - " + r.Error)}").ConfigureAwait(false);
        }

        var ok = results.Count(r => r.Succeeded);
        await output.WriteLineAsync($"Sent {ok} of {files.Count} file(s).").ConfigureAwait(false);
        return ok == files.Count ? CsegApp.Success : CsegApp.Failure;
    }
}
