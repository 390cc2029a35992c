using System.Globalization;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// <c>cseg dicom move</c>: C-MOVE on the Study Root model; prints progress and the final sub-operation counts.
/// Exit code 0 when the move succeeded with no failed sub-operation, 1 otherwise.
/// </summary>
public static class MoveTool
{
    /// <summary>Runs the move.</summary>
    public static async Task<int> RunAsync(MoveToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var identifier = new DicomDataset(DicomElement.FromStrings(DicomTags.QueryRetrieveLevel, DicomVR.CS, options.Level));
        QueryKeys.Apply(identifier, options.Keys);
        try
        {
            var client = await DicomClient.ConnectAsync(options.ToClientOptions(), DicomClient.ProposeContexts(DicomQueryRetrieveUids.StudyRootMove), cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var progress = new LineProgress(output);
                var result = await client.MoveAsync(DicomQueryRetrieveUids.StudyRootMove, options.Destination, identifier, progress, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"C-MOVE {result.Status}: completed {result.Completed}, failed {result.Failed}, warning {result.Warning}")).ConfigureAwait(false);
                await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                return result.Status.IsSuccessOrWarning && result.Failed == 0 ? 0 : 1;
            }
        }
        catch (Exception ex) when (ToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-MOVE failed: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private sealed class LineProgress(TextWriter output) : IProgress<CMoveResponse>
    {
        public void Report(CMoveResponse value) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Pending: remaining {value.Remaining}, completed {value.Completed}, failed {value.Failed}, warning {value.Warning}"));
    }
}
