using System.Text.RegularExpressions;
using ContinualSegment.Dicom.Tests.Codecs;

namespace ContinualSegment.Dicom.Tests;

/// <summary>
/// Every uncompressed pydicom test file that dciodvfy can process, re-written by us in Explicit and Implicit VR Little
/// Endian: dciodvfy must report no error that it did not already report for the input.
/// </summary>
public sealed partial class DciodvfyRoundTripTests
{
    /// <summary>
    /// New errors that the change of transfer syntax causes legitimately: (file, target transfer syntax UID, normalised
    /// message). None are needed at present: every rewritten file reports only errors its input already had.
    /// </summary>
    private static readonly (string File, string TransferSyntax, string Message)[] Allowed = [];

    public static TheoryData<string> UncompressedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in PeerTools.PydicomFiles())
        {
            DicomFile header;
            try
            {
                header = DicomFile.Open(f, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
            }
            catch (DicomException)
            {
                continue; // damaged on purpose; the reader tests cover these
            }

            if (!header.TransferSyntax.IsEncapsulated)
            {
                data.Add(Path.GetRelativePath(PeerTools.PydicomData, f));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UncompressedFiles))]
    public void RewrittenFile_HasNoNewDciodvfyErrors(string relativePath)
    {
        var input = Path.Combine(PeerTools.PydicomData, relativePath);
        var name = Path.GetFileName(input);
        var dciodvfy = PeerTools.Which("dciodvfy");
        var (inputCode, inputOut, inputErr) = PeerTools.Run(dciodvfy, input);
        if (inputCode is not (0 or 1))
        {
            // dciodvfy aborts (an assertion, exit 134) on these inputs, e.g. 32-bit RT Dose pixel data; nothing to compare with.
            Assert.Contains(name, CannotProcess);
            return;
        }

        Assert.DoesNotContain(name, CannotProcess);
        var before = Errors(inputOut + "\n" + inputErr);
        DicomFile source;
        try
        {
            source = DicomFile.Open(input);
        }
        catch (DicomException)
        {
            // Truncated on purpose (MR_truncated.dcm, rtplan_truncated.dcm): our reader refuses them.
            Assert.Contains("truncated", name, StringComparison.OrdinalIgnoreCase);
            return;
        }

        using var tmp = new CodecPeerTools.TempFolder();
        if (source.TransferSyntax.IsDeflated)
        {
            // dciodvfy cannot inflate (it reports "Dicom dataset read failed" and stops), so its report on the input
            // says nothing about the content: compare with dcmtk's own conversion of the input to Explicit VR LE.
            Assert.Contains("Dicom dataset read failed", before);
            var reference = tmp.File("dcmconv.dcm");
            CodecPeerTools.Run(PeerTools.Which("dcmconv"), "+te", input, reference);
            var (refCode, refOut, refErr) = PeerTools.Run(dciodvfy, reference);
            Assert.True(refCode is 0 or 1, refErr);
            before = Errors(refOut + "\n" + refErr);
        }

        var sopClass = source.Dataset.GetStringOrDefault(DicomTags.SOPClassUID, source.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPClassUID));
        var sopInstance = source.Dataset.GetStringOrDefault(DicomTags.SOPInstanceUID, source.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPInstanceUID));
        if (sopClass.Length == 0 || sopInstance.Length == 0)
        {
            // No SOP Class/Instance UID anywhere: a PS3.10 file cannot be written, and the writer says so.
            var ex = Assert.Throws<DicomException>(() => DicomTranscoder.ToExplicitVRLittleEndian(source).Save(tmp.File("x.dcm")));
            Assert.Contains("SOP Class UID", ex.Message, StringComparison.Ordinal);
            return;
        }

        foreach (var target in new[] { DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.ImplicitVRLittleEndian })
        {
            var output = tmp.File(target == DicomTransferSyntax.ExplicitVRLittleEndian ? "explicit.dcm" : "implicit.dcm");
            DicomTranscoder.ToTransferSyntax(source, target).Save(output);
            var (code, stdout, stderr) = PeerTools.Run(dciodvfy, output);
            Assert.True(code is 0 or 1, $"dciodvfy exited with {code} on our {target} output: {stderr}");
            var added = Errors(stdout + "\n" + stderr)
                .Except(before)
                .Where(m => !Allowed.Contains((name, target.Uid, m)))
                .ToList();
            Assert.True(added.Count == 0, $"new dciodvfy errors in our {target} output of {name}:\n{string.Join('\n', added)}");
        }
    }

    private static readonly HashSet<string> CannotProcess = new(StringComparer.Ordinal)
    {
        "badVR.dcm", "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb.dcm", "rtdose_expb_1frame.dcm",
    };

    /// <summary>The "Error - " lines, with file-specific parts (paths, offsets) removed.</summary>
    private static HashSet<string> Errors(string report)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in report.Split('\n'))
        {
            var line = raw.Trim();
            var at = line.IndexOf("Error - ", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var message = line[(at + "Error - ".Length)..];
            message = Offset().Replace(message, "@");
            set.Add(message.Trim());
        }

        return set;
    }

    [GeneratedRegex(@"(?:offset|@)\s*0x[0-9A-Fa-f]+|(?:offset|@)\s*\d+", RegexOptions.IgnoreCase)]
    private static partial Regex Offset();
}
