using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Dicom.Network.Tests;
using Npgsql;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>
/// Decoders changed while <c>cseg serve</c> runs: a package exported from one model and installed into the running
/// node's model is used for the next series without a restart, and disabling it takes effect for the series after.
/// </summary>
public sealed class LiveDecoderTests : IDisposable
{
    private const string Decoder = "headneck";
    private readonly string directory = Directory.CreateTempSubdirectory("cseg-live-decoders-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task An_installed_package_serves_the_next_series_and_disabling_it_the_one_after_without_a_restart()
    {
        // The node's model: the default model without the head-and-neck decoder; the package comes from the original.
        var model = Path.Combine(directory, "model");
        Copy(Path.Combine(ServeProcess.RepositoryRoot(), "models", "default"), model);
        var package = Path.Combine(directory, Decoder + ".cseg-decoder.zip");
        await RunAsync("decoders", "export", Decoder, "--model", Path.Combine(ServeProcess.RepositoryRoot(), "models", "default"), "--out", package, "--dataset", "phantom-headneck", "--cases", "16");
        await RunAsync("decoders", "remove", Decoder, "--model", model);

        var phantom = Path.Combine(directory, "phantom");
        await RunAsync("phantom", "--out", phantom, "--task", "headneck", "--cases", "3", "--size", "32", "--slice-spacing", "5", "--dicom");
        var series = Directory.GetDirectories(Path.Combine(phantom, "dicom")).Order(StringComparer.Ordinal).ToArray();

        await using var node = await ServeProcess.StartAsync(
            new Dictionary<string, string>(StringComparer.Ordinal) { ["Model:Directory"] = model, ["Routing:QuietPeriodSeconds"] = "2" },
            CancellationToken.None);
        var config = Path.Combine(directory, "node.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["Database"] = new JsonObject { ["Mode"] = "External" },
            ["ConnectionStrings"] = new JsonObject { ["Postgres"] = node.ConnectionString },
        }.ToJsonString());

        var before = await SegmentAsync(node, series[0], 1);
        await RunAsync("decoders", "install", package, "--model", model, "--config", config);
        var installed = await SegmentAsync(node, series[1], 2);
        await RunAsync("decoders", "disable", Decoder, "--model", model, "--config", config);
        var disabled = await SegmentAsync(node, series[2], 3);

        Assert.DoesNotContain(Decoder, before);
        Assert.Contains(Decoder, installed);
        Assert.DoesNotContain(Decoder, disabled);
        Assert.Contains("wholebody", disabled);
        Assert.Equal(["installed", "disabled"], await ColumnAsync(node, "select action from decoder_events order by id"));

        // One process all along: the node started listening once, and reloaded its model for each change.
        Assert.Equal(1, CountOf(node.Log, "Listening as"));
    }

    // Sends a series, waits for the node's job number `job` to succeed, returns the decoders it ran.
    private static async Task<IReadOnlyList<string>> SegmentAsync(ServeProcess node, string series, int job)
    {
        var (code, output) = await ExternalProcess.RunAsync("storescu", TimeSpan.FromMinutes(2), "-aet", "CT01", "-aec", "CSEG", "127.0.0.1", node.Port.ToString(CultureInfo.InvariantCulture), "+sd", series);
        Assert.True(code == 0, output);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var states = await ColumnAsync(node, "select state from jobs order by id");
            if (states.Count >= job && states[job - 1] == "succeeded")
            {
                break;
            }

            Assert.DoesNotContain("dead", states);
            Assert.False(node.HasExited(), node.Log);
            Assert.True(DateTime.UtcNow < deadline, $"job {job} did not succeed:\n{node.Log}");
            await Task.Delay(250);
        }

        var result = (await ColumnAsync(node, "select result::text from jobs order by id"))[job - 1];
        return JsonNode.Parse(result)!["decoders"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
    }

    private static async Task<IReadOnlyList<string>> ColumnAsync(ServeProcess node, string sql)
    {
        await using var connection = new NpgsqlConnection(node.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task RunAsync(params string[] args)
    {
        var (code, output, error) = await CsegRunner.RunAsync(args);
        Assert.True(code == 0, $"cseg {string.Join(' ', args)}: {output}{error}");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
