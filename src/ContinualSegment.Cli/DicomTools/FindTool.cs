using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>
/// <c>cseg dicom find</c>: C-FIND on the Modality Worklist or Study Root model; prints each match as a dump and the
/// count. Default return keys are added (<see cref="DicomQueryIdentifiers"/>). Exit code 0 on success, 1 on failure.
/// </summary>
internal static class FindTool
{
    public static async Task<int> RunAsync(FindToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var sopClass = options.Model == FindModel.Worklist ? DicomQueryRetrieveUids.ModalityWorklistFind : DicomQueryRetrieveUids.StudyRootFind;
        var identifier = BuildIdentifier(options);
        try
        {
            var count = 0;
            await foreach (var match in DicomServiceUser.FindAsync(options.ToClientOptions(), sopClass, identifier, cancellationToken).ConfigureAwait(false))
            {
                count++;
                await output.WriteLineAsync($"# Match {count}").ConfigureAwait(false);
                DicomDumper.Dump(match, output);
            }

            await output.WriteLineAsync($"{count} match(es).").ConfigureAwait(false);
            return CsegApp.Success;
        }
        catch (Exception ex) when (DicomToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-FIND failed: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }
    }

    /// <summary>The identifier sent for <paramref name="options"/>.</summary>
    public static DicomDataset BuildIdentifier(FindToolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identifier = options.Model == FindModel.Worklist ? DicomQueryIdentifiers.Worklist() : DicomQueryIdentifiers.StudyRoot(options.Level);
        DicomQueryIdentifiers.ApplyKeys(identifier, options.Keys);
        return identifier;
    }
}
