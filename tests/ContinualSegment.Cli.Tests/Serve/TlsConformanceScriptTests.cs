using System.Globalization;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>conformance/run.sh --tls against a node that listens with DICOM TLS only.</summary>
public sealed class TlsConformanceScriptTests(TlsConformanceNode fixture) : IClassFixture<TlsConformanceNode>
{
    [Fact]
    public async Task Over_TLS_echo_rejections_and_every_transfer_syntax_pass_and_plain_TCP_is_refused()
    {
        var node = fixture.Node;

        var (code, output) = await ConformanceScriptTests.RunScriptAsync(
            "--aet", ConformanceNode.CallingAeTitle,
            "--tls", fixture.Pki.CaFile, fixture.Pki.ClientCertificate, fixture.Pki.ClientKey,
            "--series", fixture.SmallSeries,
            "--no-results",
            "127.0.0.1", node.Port.ToString(CultureInfo.InvariantCulture), node.AeTitle);

        Assert.True(code == 0, $"{output}\n--- node log ---\n{node.Log}");
        var lines = output.Split('\n');
        Assert.Contains("PASS  C-ECHO", lines);
        Assert.Contains("PASS  TLS: plain TCP association refused", lines);
        Assert.Contains("PASS  Reject disallowed calling AE", lines);
        Assert.Contains("PASS  C-STORE JPEG 2000 (1.2.840.10008.1.2.4.91)", lines);
        Assert.Equal(13, lines.Count(l => l.StartsWith("PASS  C-STORE ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Contains(node.Log.Split('\n'), l => l.Contains("(DICOM TLS: True)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Over_TLS_a_client_the_node_does_not_trust_fails_the_echo()
    {
        var node = fixture.Node;

        var (code, output) = await ConformanceScriptTests.RunScriptAsync(
            "--aet", ConformanceNode.CallingAeTitle,
            "--tls", fixture.Pki.CaFile, fixture.Pki.StrangerCertificate, fixture.Pki.StrangerKey,
            "--series", fixture.SmallSeries,
            "--no-results",
            "127.0.0.1", node.Port.ToString(CultureInfo.InvariantCulture), node.AeTitle);

        Assert.True(code == 1, output);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("FAIL  C-ECHO: ", StringComparison.Ordinal));
    }
}
