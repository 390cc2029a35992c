using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>A C-STORE whose association ends while its data set arrives leaves no file, complete or not.</summary>
public sealed class InterruptedStoreTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoreInterruptedInsideItsDataSetLeavesNothing(bool abort)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        var stored = 0;
        await using var server = DimseTestSupport.StartServer(output, stored: (_, _, _) =>
        {
            Interlocked.Increment(ref stored);
            return ValueTask.CompletedTask;
        });
        var peer = await RawPeer.ConnectAsync(server.Port);
        try
        {
            await peer.SendAsync(RawPdu.AssociateRq(contexts: (1, DicomUids.CTImageStorage, [DicomUids.ImplicitVRLittleEndian])));
            await peer.ExpectAsync(0x02);

            var command = DimseTestSupport.CtStoreCommand();
            command.SetUid(DimseCommandSet.AffectedSopInstanceUid, "1.2.826.0.1.3680043.2.1125.1.1");
            await peer.SendAsync(RawPdu.PData(1, command: true, last: true, command.Encode()));

            // Two fragments of the data set, never the last one.
            await peer.SendAsync(RawPdu.PData(1, command: false, last: false, new byte[20_000]));
            await peer.SendAsync(RawPdu.PData(1, command: false, last: false, new byte[20_000]));
            if (abort)
            {
                await peer.SendAsync(RawPdu.Abort());
            }
        }
        finally
        {
            peer.Dispose();
        }

        await Wait.UntilAsync(() => server.UpperLayer.OpenConnectionCount == 0, "the association did not end", TimeSpan.FromSeconds(10));
        Assert.Equal([Path.Combine(output, ".incoming")], Directory.GetFileSystemEntries(output));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(output, ".incoming")));
        Assert.Equal(0, stored);
    }
}
