using System.Globalization;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>
/// <c>cseg dicom move</c>: C-MOVE on the Study Root model; prints progress and the final sub-operation counts.
/// Exit code 0 when the move succeeded with no failed sub-operation, 1 otherwise.
/// </summary>
internal static class MoveTool
{
    public static async Task<int> RunAsync(MoveToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var identifier = DicomQueryIdentifiers.Move(options.Level);
        DicomQueryIdentifiers.ApplyKeys(identifier, options.Keys);
        try
        {
            var result = await DicomServiceUser.MoveAsync(
                options.ToClientOptions(), DicomQueryRetrieveUids.StudyRootMove, options.Destination, identifier, new LineProgress(output), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"C-MOVE {result.Status}: completed {result.Completed}, failed {result.Failed}, warning {result.Warning}")).ConfigureAwait(false);
            return result.Status.IsSuccessOrWarning && result.Failed == 0 ? CsegApp.Success : CsegApp.Failure;
        }
        catch (Exception ex) when (DicomToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-MOVE failed: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }
    }

    private sealed class LineProgress(TextWriter output) : IProgress<CMoveResponse>
    {
        public void Report(CMoveResponse value) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Pending: remaining {value.Remaining}, completed {value.Completed}, failed {value.Failed}, warning {value.Warning}"));
    }
}
