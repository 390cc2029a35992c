using System.Diagnostics;
using System.Globalization;

namespace ContinualSegment.Dicom.Network;

/// <summary><c>cseg dicom echo</c>: C-ECHO to a peer. Exit code 0 when every echo succeeded.</summary>
public static class EchoTool
{
    /// <summary>Runs the command, writing one line per echo to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(EchoToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeat, 1);
        try
        {
            var client = await DicomClient.ConnectAsync(options.ToClientOptions(), DicomClient.ProposeContexts(DicomUids.Verification), cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var failures = 0;
                for (var i = 0; i < options.Repeat; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var status = await client.EchoAsync(cancellationToken).ConfigureAwait(false);
                    failures += status.IsSuccess ? 0 : 1;
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"C-ECHO {options.CalledAeTitle}@{options.Host}:{options.Port}: {status} ({watch.Elapsed.TotalMilliseconds:0.0} ms)")).ConfigureAwait(false);
                }

                await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                return failures == 0 ? 0 : 1;
            }
        }
        catch (Exception ex) when (ToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-ECHO failed: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
