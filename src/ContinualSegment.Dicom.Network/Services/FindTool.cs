namespace ContinualSegment.Dicom.Network;

/// <summary>
/// <c>cseg dicom find</c>: C-FIND on the Modality Worklist or Study Root model; prints each match as a dump.
/// Default return keys are added (worklist: patient, accession, scheduled procedure step; study: study keys).
/// Exit code 0 on success.
/// </summary>
public static class FindTool
{
    /// <summary>Runs the query, writing the matches to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(FindToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var sopClass = options.Model == FindModel.Worklist ? DicomQueryRetrieveUids.ModalityWorklistFind : DicomQueryRetrieveUids.StudyRootFind;
        var identifier = BuildIdentifier(options);
        try
        {
            var client = await DicomClient.ConnectAsync(options.ToClientOptions(), DicomClient.ProposeContexts(sopClass), cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var count = 0;
                await foreach (var match in client.FindAsync(sopClass, identifier, cancellationToken).ConfigureAwait(false))
                {
                    count++;
                    await output.WriteLineAsync($"# Match {count}").ConfigureAwait(false);
                    DicomDumper.Dump(match, output);
                }

                await output.WriteLineAsync($"{count} match(es).").ConfigureAwait(false);
                await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
        }
        catch (Exception ex) when (ToolErrors.IsNetworkFailure(ex))
        {
            await output.WriteLineAsync($"C-FIND failed: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>The identifier sent for <paramref name="options"/>.</summary>
    public static DicomDataset BuildIdentifier(FindToolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identifier = new DicomDataset();
        if (options.Model == FindModel.Worklist)
        {
            identifier.Add(QueryKeys.Empty(0x0008, 0x0050));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0010));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0020));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0030));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0040));
            identifier.Add(QueryKeys.Empty(0x0020, 0x000D));
            identifier.Add(new DicomSequence(DicomTags.ScheduledProcedureStepSequence, new DicomDataset(
                QueryKeys.Empty(0x0008, 0x0060),
                QueryKeys.Empty(0x0040, 0x0001),
                QueryKeys.Empty(0x0040, 0x0002),
                QueryKeys.Empty(0x0040, 0x0003),
                QueryKeys.Empty(0x0040, 0x0007),
                QueryKeys.Empty(0x0040, 0x0009))));
        }
        else
        {
            identifier.Add(DicomElement.FromStrings(DicomTags.QueryRetrieveLevel, DicomVR.CS, options.Level));
            identifier.Add(QueryKeys.Empty(0x0008, 0x0020));
            identifier.Add(QueryKeys.Empty(0x0008, 0x0050));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0010));
            identifier.Add(QueryKeys.Empty(0x0010, 0x0020));
            identifier.Add(QueryKeys.Empty(0x0020, 0x000D));
        }

        QueryKeys.Apply(identifier, options.Keys);
        return identifier;
    }
}
