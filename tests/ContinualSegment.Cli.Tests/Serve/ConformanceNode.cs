using System.Globalization;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>
/// One node for the conformance script's tests: callers restricted to <see cref="CallingAeTitle"/>, results routed to
/// <see cref="ResultsAeTitle"/> on <see cref="ResultsPort"/> (where the script's own storescp listens), and a small
/// phantom series (two images) for the runs that are expected to fail early.
/// </summary>
public sealed class ConformanceNode : IAsyncLifetime
{
    public const string CallingAeTitle = "CONF-SCU";
    public const string ResultsAeTitle = "CONF-RESULTS";

    private ServeProcess? node;

    public int ResultsPort { get; } = TestEnvironment.FreeTcpPort();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cseg-conformance-").FullName;

    public string SmallSeries => Path.Combine(Directory, "small");

    internal ServeProcess Node => node ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync()
    {
        node = await ServeProcess.StartAsync(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Dicom:AllowedCallers:0:AeTitle"] = CallingAeTitle,
                ["Destinations:PACS:AeTitle"] = ResultsAeTitle,
                ["Destinations:PACS:Host"] = "127.0.0.1",
                ["Destinations:PACS:Port"] = ResultsPort.ToString(CultureInfo.InvariantCulture),
            },
            CancellationToken.None);
        var phantom = Path.Combine(Directory, "phantom");
        var (code, output, error) = await CsegRunner.RunAsync("phantom", "--out", phantom, "--task", "headneck", "--size", "32", "--slice-spacing", "5", "--dicom");
        Assert.True(code == 0, output + error);
        var series = System.IO.Directory.GetDirectories(Path.Combine(phantom, "dicom")).Single();
        System.IO.Directory.CreateDirectory(SmallSeries);
        foreach (var file in System.IO.Directory.GetFiles(series).Order(StringComparer.Ordinal).Take(2))
        {
            File.Copy(file, Path.Combine(SmallSeries, Path.GetFileName(file)));
        }
    }

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
