namespace ContinualSegment.Dicom.Tests;

/// <summary>Read → write → read for every pydicom file we read, and dcmdump must read what we write without warnings.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cseg-dicom-rt-").FullName;

    public static TheoryData<string> Files() => DcmdumpInteropTests.Files();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [MemberData(nameof(Files))]
    public void Write_then_read_is_lossless_and_dcmdump_reads_it_cleanly(string relativePath)
    {
        DicomFile original;
        try
        {
            original = DicomFile.Open(Path.Combine(PeerTools.PydicomData, relativePath));
        }
        catch (DicomException)
        {
            return; // unreadable files are covered by the interop test (dcmdump rejects them too)
        }

        var hasClass = original.Dataset.GetStringOrDefault(DicomTags.SOPClassUID, original.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPClassUID)).Length > 0;
        var hasInstance = original.Dataset.GetStringOrDefault(DicomTags.SOPInstanceUID, original.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPInstanceUID)).Length > 0;
        if (!hasClass || !hasInstance)
        {
            // No SOP identity (e.g. a DICOMDIR-less fragment): round-trip the raw data set only.
            foreach (var ts in new[] { DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.ImplicitVRLittleEndian })
            {
                var bytes = DicomDatasetWriter.ToBytes(original.Dataset, ts);
                var back = DicomDatasetReader.Read(bytes, ts);
                Assert.Empty(DatasetComparer.Differences(original.Dataset, back, compareVR: ts.IsExplicitVR));
            }

            return;
        }

        var syntaxes = original.TransferSyntax.IsEncapsulated
            ? new[] { original.TransferSyntax }
            : [DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.ImplicitVRLittleEndian, DicomTransferSyntax.DeflatedExplicitVRLittleEndian];
        foreach (var ts in syntaxes)
        {
            foreach (var undefined in new[] { true, false })
            {
                var path = Path.Combine(dir, $"{Path.GetFileName(relativePath)}-{ts.Uid}-{undefined}.dcm");
                original.Save(path, new DicomWriteOptions { TransferSyntax = ts, UndefinedSequenceLength = undefined });
                var back = DicomFile.Open(path);
                Assert.Equal(ts.Uid, back.TransferSyntax.Uid);
                var diffs = DatasetComparer.Differences(original.Dataset, back.Dataset, compareVR: ts.IsExplicitVR);
                Assert.True(diffs.Count == 0, $"{ts} undefined={undefined}:\n" + string.Join('\n', diffs.Take(20)));

                var (exit, stdout, stderr) = PeerTools.Run(PeerTools.Which("dcmdump"), "+L", path);
                Assert.True(exit == 0, $"dcmdump failed on our {ts} file: {stderr}");
                // dcmtk notes every private sequence in implicit VR (undefined length, VR unknown) as "UN ... (CP-246)";
                // that is the only way to encode such a sequence, so that note alone is allowed.
                var warnings = (stderr + stdout).Split('\n')
                    .Where(l => l.StartsWith("W:", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal))
                    .Where(l => !(l.Contains("with VR UN and undefined length", StringComparison.Ordinal) && l.Contains("LittleEndianImplicit", StringComparison.Ordinal)))
                    .ToList();
                Assert.True(warnings.Count == 0, $"dcmdump warns on our {ts} file written from {relativePath} (undefined={undefined}):\n" + string.Join('\n', warnings.Take(10)));
            }
        }
    }
}
