using System.Globalization;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Cli.DicomTools;

/// <summary><c>cseg dicom echo</c>: C-ECHO to a peer, one line per echo. Exit code 0 when every echo succeeded, 1 otherwise.</summary>
internal static class EchoTool
{
    public static async Task<int> RunAsync(EchoToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeat, 1);
        try
        {
            var failures = 0;
            await foreach (var echo in DicomServiceUser.EchoAsync(options.ToClientOptions(), options.Repeat, cancellationToken).ConfigureAwait(false))
            {
                failures += echo.Status.IsSuccess ? 0 : 1;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"C-ECHO {options.CalledAeTitle}@{options.Host}:{options.Port}: {echo.Status} ({echo.RoundTrip.TotalMilliseconds:0.0} ms)")).ConfigureAwait(false);
            }

            return failures == 0 ? CsegApp.Success : CsegApp.Failure;
        }
        catch (Exception ex) when (DicomToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-ECHO failed: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }
    }
}
