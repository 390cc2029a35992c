using System.Globalization;
using ContinualSegment.Dicom.Network.Tests;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>
/// One node for the conformance script's tests: callers restricted to <see cref="CallingAeTitle"/>, results routed to
/// <see cref="ResultsAeTitle"/> on <see cref="ResultsPort"/> (where the script's own storescp listens), and a small
/// phantom series (two images) for the runs that are expected to fail early. With TLS (<see cref="TlsConformanceNode"/>)
/// the node listens with DICOM TLS only and requires a client certificate from the test CA.
/// </summary>
public class ConformanceNode : IAsyncLifetime
{
    public const string CallingAeTitle = "CONF-SCU";
    public const string ResultsAeTitle = "CONF-RESULTS";

    private readonly bool tls;
    private ServeProcess? node;

    public ConformanceNode()
        : this(tls: false)
    {
    }

    protected ConformanceNode(bool tls) => this.tls = tls;

    /// <summary>The certificates (used when the node listens with TLS).</summary>
    public TestPki Pki { get; } = new();

    public int ResultsPort { get; } = TestEnvironment.FreeTcpPort();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cseg-conformance-").FullName;

    public string SmallSeries => Path.Combine(Directory, "small");

    internal ServeProcess Node => node ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Dicom:AllowedCallers:0:AeTitle"] = CallingAeTitle,
            ["Destinations:PACS:AeTitle"] = ResultsAeTitle,
            ["Destinations:PACS:Host"] = "127.0.0.1",
            ["Destinations:PACS:Port"] = ResultsPort.ToString(CultureInfo.InvariantCulture),
        };
        if (tls)
        {
            await Pki.InitializeAsync();
            settings["Dicom:Tls:Enabled"] = "true";
            settings["Dicom:Tls:CertificateFile"] = Pki.ServerCertificate;
            settings["Dicom:Tls:KeyFile"] = Pki.ServerKey;
            settings["Dicom:Tls:CaFile"] = Pki.CaFile;
            settings["Dicom:Tls:RequireClientCertificate"] = "true";
        }

        node = await ServeProcess.StartAsync(settings, CancellationToken.None);
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

        if (tls)
        {
            await Pki.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
