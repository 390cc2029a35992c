using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// Orthanc (the Debian package) in its default configuration, as a benchmark receiver and as a PACS the node delivers
/// to: only its AE title, ports and folders are set. Between benchmark runs everything it stored is deleted through its
/// REST API (untimed).
/// </summary>
internal sealed class OrthancReceiver : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient http;

    private OrthancReceiver(Process process, HttpClient http, int port)
    {
        this.process = process;
        this.http = http;
        Port = port;
    }

    /// <summary>The DICOM port.</summary>
    public int Port { get; }

    /// <summary>Starts Orthanc with its folders under <paramref name="directory"/> and waits until its REST API answers.</summary>
    public static async Task<OrthancReceiver> StartAsync(string aeTitle, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var dicomPort = LoopbackPort.Free();
        var httpPort = LoopbackPort.Free();
        var configuration = new JsonObject
        {
            ["Name"] = "cseg-bench",
            ["StorageDirectory"] = Path.Combine(directory, "storage"),
            ["IndexDirectory"] = Path.Combine(directory, "index"),
            ["DicomAet"] = aeTitle,
            ["DicomPort"] = dicomPort,
            ["HttpPort"] = httpPort,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["Plugins"] = new JsonArray(),
        };
        var path = Path.Combine(directory, "orthanc.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString(), cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo("Orthanc") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(path);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Orthanc");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/") };
        var receiver = new OrthancReceiver(process, http, dicomPort);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Orthanc exited with {process.ExitCode} at start");
                }

                try
                {
                    await receiver.CountAsync(cancellationToken).ConfigureAwait(false);
                    return receiver;
                }
                catch (HttpRequestException) when (attempt < 300)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes every patient Orthanc holds.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        var patients = await GetAsync("patients", cancellationToken).ConfigureAwait(false);
        foreach (var id in patients.AsArray())
        {
            using var response = await http.DeleteAsync(new Uri("patients/" + id!.GetValue<string>(), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Instances Orthanc has stored.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
        => (await GetAsync("statistics", cancellationToken).ConfigureAwait(false))["CountInstances"]!.GetValue<int>();

    /// <summary>Writes every instance Orthanc holds, as received (Part 10), into <paramref name="directory"/>; returns the paths.</summary>
    public async Task<IReadOnlyList<string>> SaveInstancesAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var saved = new List<string>();
        foreach (var id in (await GetAsync("instances", cancellationToken).ConfigureAwait(false)).AsArray())
        {
            var name = id!.GetValue<string>();
            var path = Path.Combine(directory, name + ".dcm");
            var bytes = await http.GetByteArrayAsync(new Uri($"instances/{name}/file", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            saved.Add(path);
        }

        return saved;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        process.Dispose();
    }

    private async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(text) ?? throw new JsonException($"Orthanc answered {path} with nothing");
    }
}
