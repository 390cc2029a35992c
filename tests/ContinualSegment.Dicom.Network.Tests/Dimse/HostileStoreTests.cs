using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Hostile C-STORE requests: nothing from the wire reaches a file path unchecked.</summary>
public sealed class HostileStoreTests
{
    [Theory]
    [InlineData("../../escape")]
    [InlineData("1.2.3/../../4")]
    [InlineData("1..2")]
    public async Task StoreWithAnInvalidInstanceUidAbortsAndWritesNothing(string instanceUid)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        await using var server = DimseTestSupport.StartServer(output);
        var handler = new TestHandler();
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = "ANY",
            CallingAeTitle = "HOSTILE",
            PresentationContexts = [new PresentationContextProposal(1, DicomUids.CTImageStorage, [DicomUids.ImplicitVRLittleEndian])],
        };
        await using var association = await Association.ConnectAsync("127.0.0.1", server.Port, request, handler);

        var command = DimseTestSupport.CtStoreCommand();
        command.SetRaw(DimseCommandSet.AffectedSopInstanceUid, Encoding.ASCII.GetBytes(instanceUid));
        var dataSet = DicomDatasetWriter.ToBytes(DicomFile.Open(DimseTestSupport.TestFile("CT_small.dcm")).Dataset, DicomTransferSyntax.ImplicitVRLittleEndian);
        try
        {
            await association.SendMessageAsync(1, command.Encode(), dataSet, CancellationToken.None);
        }
        catch (AssociationAbortedException)
        {
            // The provider may abort before the data set is fully sent.
        }

        var end = await association.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(AssociationEndReason.Released, end);
        Assert.Empty(Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "escape")));
    }
}
