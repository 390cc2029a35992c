using System.Globalization;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our service user (DicomClient) against dcmtk service providers: storescp, wlmscpfs, dcmqrscp.</summary>
public sealed class DicomClientInteropTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StoreBatchToStorescpLandsReadableFiles()
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        using var storescp = ExternalProcess.Start("storescp", ["-od", output, "-aet", "STORESCP", port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, storescp);

        var implicitCopy = DicomFile.Open(DimseTestSupport.TestFile("MR_small.dcm")).Dataset.Clone();
        implicitCopy.AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate());
        var implicitPath = Path.Combine(temp.Path, "implicit.dcm");
        new DicomFile(implicitCopy, DicomTransferSyntax.ImplicitVRLittleEndian).Save(implicitPath);
        string[] files = [DimseTestSupport.TestFile("CT_small.dcm"), DimseTestSupport.TestFile("MR_small.dcm"), implicitPath, DimseTestSupport.TestFile("SC_rgb_jpeg_dcmtk.dcm")];
        var results = await DicomClient.SendFilesAsync(Options(port, "STORESCP"), files, null, CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.All(results.Take(3), r => Assert.True(r.Succeeded, r.Error));
        var jpeg = results[3];
        Assert.Null(jpeg.Status);
        Assert.Contains("decompressing", jpeg.Error, StringComparison.Ordinal);

        await Wait.UntilAsync(() => Directory.GetFiles(output).Length == 3, "storescp did not write 3 files", TimeSpan.FromSeconds(10));
        foreach (var path in Directory.GetFiles(output))
        {
            var (exit, dump) = await ExternalProcess.RunAsync("dcmdump", ToolTimeout, path);
            Assert.True(exit == 0, dump);
        }

        var received = Directory.GetFiles(output).Select(p => DicomFile.Open(p)).ToDictionary(f => f.Dataset.GetString(DicomTags.SOPInstanceUID));
        foreach (var source in files.Take(3))
        {
            var original = DicomFile.Open(source);
            DimseTestSupport.AssertSameDataSet(original.Dataset, received[original.Dataset.GetString(DicomTags.SOPInstanceUID)].Dataset);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DeflatedFileTravelsAsStoredWhereAcceptedAndInflatedElsewhere(bool peerAcceptsDeflate)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        // +B: storescp keeps the data set bit for bit as it arrived, so what we sent can be compared.
        string[] acceptance = peerAcceptsDeflate ? ["+xd", "+B"] : ["+B"];
        using var storescp = ExternalProcess.Start("storescp", [.. acceptance, "-od", output, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, storescp);

        // Deflated at the fastest level: encoding it again (at the default level) would give other bytes.
        var original = DicomFile.Open(DimseTestSupport.TestFile("CT_small.dcm"));
        var source = Path.Combine(temp.Path, "deflated.dcm");
        new DicomFile(original.Dataset, DicomTransferSyntax.DeflatedExplicitVRLittleEndian).Save(source, new DicomWriteOptions { DeflateLevel = System.IO.Compression.CompressionLevel.Fastest });
        var meta = DicomFile.OpenMetaInformation(source);
        Assert.Equal(DicomUids.DeflatedExplicitVRLittleEndian, meta.TransferSyntax.Uid);

        var results = await DicomClient.SendFilesAsync(Options(port, "ANY-SCP"), [source], null, CancellationToken.None);

        Assert.True(Assert.Single(results).Succeeded, results[0].Error);
        await Wait.UntilAsync(() => Directory.GetFiles(output).Length == 1, "storescp did not write the file", TimeSpan.FromSeconds(10));
        var storedPath = Directory.GetFiles(output).Single();
        var stored = DicomFile.Open(storedPath);
        DimseTestSupport.AssertSameDataSet(original.Dataset, stored.Dataset);
        if (peerAcceptsDeflate)
        {
            Assert.Equal(DicomUids.DeflatedExplicitVRLittleEndian, stored.TransferSyntax.Uid);
            var storedMeta = DicomFile.OpenMetaInformation(storedPath);
            var sent = await File.ReadAllBytesAsync(source);
            var arrived = await File.ReadAllBytesAsync(storedPath);
            Assert.Equal(sent[(int)meta.DataSetOffset..], arrived[(int)storedMeta.DataSetOffset..]);
        }
        else
        {
            Assert.Equal(DicomUids.ExplicitVRLittleEndian, stored.TransferSyntax.Uid);
        }
    }

    [Fact]
    public async Task StoreTranscodesWhenThePeerAcceptsOnlyImplicitLittleEndian()
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        using var storescp = ExternalProcess.Start("storescp", ["+xi", "-od", output, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, storescp);

        var source = DimseTestSupport.TestFile("CT_small.dcm");
        var original = DicomFile.Open(source);
        Assert.Equal(DicomUids.ExplicitVRLittleEndian, original.TransferSyntax.Uid);
        await using (var client = await DicomClient.ConnectAsync(Options(port, "ANY-SCP"), DicomClient.ProposeContexts([(original.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID), original.TransferSyntax.Uid)]), CancellationToken.None))
        {
            Assert.Equal(DicomUids.ImplicitVRLittleEndian, Assert.Single(client.Association.AcceptedContexts).TransferSyntax);
            var result = await client.StoreFileAsync(source, CancellationToken.None);
            Assert.True(result.Succeeded, result.Error);
            await client.ReleaseAsync(CancellationToken.None);
        }

        await Wait.UntilAsync(() => Directory.GetFiles(output).Length == 1, "storescp did not write the file", TimeSpan.FromSeconds(10));
        var stored = DicomFile.Open(Directory.GetFiles(output).Single());
        Assert.Equal(DicomUids.ImplicitVRLittleEndian, stored.TransferSyntax.Uid);
        DimseTestSupport.AssertSameDataSet(original.Dataset, stored.Dataset);
    }

    [Fact]
    public async Task LosslessCompressedInstanceIsDecompressedForAnUncompressedOnlyPeer()
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        using var storescp = ExternalProcess.Start("storescp", ["-od", output, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, storescp);

        var rle = DimseTestSupport.TestFile("MR_small_RLE.dcm");
        var results = await DicomClient.SendFilesAsync(Options(port, "ANY-SCP"), [rle], null, CancellationToken.None);
        Assert.True(Assert.Single(results).Succeeded, results[0].Error);

        await Wait.UntilAsync(() => Directory.GetFiles(output).Length == 1, "storescp did not write the file", TimeSpan.FromSeconds(10));
        var stored = DicomFile.Open(Directory.GetFiles(output).Single());
        Assert.False(stored.TransferSyntax.IsEncapsulated);
        var uncompressedReference = DicomFile.Open(DimseTestSupport.TestFile("MR_small.dcm")).Dataset;
        Assert.True(uncompressedReference.GetElement(DicomTags.PixelData).Value.Span.SequenceEqual(stored.Dataset.GetElement(DicomTags.PixelData).Value.Span));
        var original = DicomFile.Open(rle).Dataset;
        original.Remove(DicomTags.PixelData);
        stored.Dataset.Remove(DicomTags.PixelData);
        DimseTestSupport.AssertSameDataSet(original, stored.Dataset);
        var (exit, dump) = await ExternalProcess.RunAsync("dcmdump", ToolTimeout, Directory.GetFiles(output).Single());
        Assert.True(exit == 0, dump);
    }

    [Fact]
    public async Task ModalityWorklistFindAgainstWlmscpfsAndCancel()
    {
        using var temp = new TempDirectory();
        var aeDir = temp.Sub("OFFIS");
        var expectedIds = new List<string>();
        foreach (var dump in Directory.GetFiles("/usr/share/doc/dcmtk/examples/wlistdb/OFFIS", "*.dump"))
        {
            var target = Path.Combine(aeDir, Path.GetFileNameWithoutExtension(dump) + ".wl");
            var (exit, log) = await ExternalProcess.RunAsync("dump2dcm", ToolTimeout, dump, target);
            Assert.True(exit == 0, log);
            expectedIds.Add(DicomFile.Open(target).Dataset.GetString(DicomTags.PatientID));
        }

        await File.WriteAllBytesAsync(Path.Combine(aeDir, "lockfile"), []);
        Assert.True(expectedIds.Count >= 2, "the dcmtk example worklists were not found");
        var port = DimseTestSupport.FreePort();
        using var wlm = ExternalProcess.Start("wlmscpfs", ["-dfp", temp.Path, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, wlm);

        await using var client = await DicomClient.ConnectAsync(Options(port, "OFFIS"), DicomClient.ProposeContexts(DicomQueryRetrieveUids.ModalityWorklistFind, DicomUids.Verification), CancellationToken.None);
        var found = new List<DicomDataset>();
        await foreach (var match in client.FindAsync(DicomQueryRetrieveUids.ModalityWorklistFind, WorklistQuery()))
        {
            found.Add(match);
        }

        Assert.Equal(expectedIds.Order(StringComparer.Ordinal), found.Select(d => d.GetString(DicomTags.PatientID)).Order(StringComparer.Ordinal));
        Assert.All(found, d => Assert.Single(d.GetSequence(new DicomTag(0x0040, 0x0100)).Items));

        // Leaving the enumeration after the first match sends C-CANCEL; the association stays usable.
        await foreach (var first in client.FindAsync(DicomQueryRetrieveUids.ModalityWorklistFind, WorklistQuery()))
        {
            Assert.Contains(first.GetString(DicomTags.PatientID), expectedIds);
            break;
        }

        Assert.Equal(DimseStatus.Success, await client.EchoAsync(CancellationToken.None));

        // Cancelling the token also sends C-CANCEL, then surfaces as cancellation.
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in client.FindAsync(DicomQueryRetrieveUids.ModalityWorklistFind, WorklistQuery(), cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
        Assert.Equal(AssociationState.Sta6, client.Association.State);
        Assert.Equal(DimseStatus.Success, await client.EchoAsync(CancellationToken.None));
        await client.ReleaseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StudyRootFindAndMoveFromDcmqrscpDeliverToOurScp()
    {
        using var temp = new TempDirectory();
        var received = temp.Sub("received");
        var db = temp.Sub("db");
        var sources = temp.Sub("sources");
        var template = DicomFile.Open(DimseTestSupport.TestFile("CT_small.dcm"));
        var study = DicomUid.Generate();
        var originals = new List<DicomFile>();
        for (var i = 0; i < 3; i++)
        {
            var ds = template.Dataset.Clone();
            ds.AddOrUpdate(DicomTags.StudyInstanceUID, study);
            ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate());
            var file = new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian);
            file.Save(Path.Combine(sources, $"i{i}.dcm"));
            originals.Add(file);
        }

        var originators = new System.Collections.Concurrent.ConcurrentBag<(string? Ae, ushort? MessageId)>();
        await using var scp = DimseTestSupport.StartServer(received, stored: (context, _, _) =>
        {
            originators.Add((context.Request.MoveOriginatorAeTitle, context.Request.MoveOriginatorMessageId));
            return ValueTask.CompletedTask;
        });
        var qrPort = DimseTestSupport.FreePort();
        var config = Path.Combine(temp.Path, "dcmqrscp.cfg");
        await File.WriteAllTextAsync(config, string.Join('\n',
            $"NetworkTCPPort  = {qrPort}",
            "MaxPDUSize      = 16384",
            "MaxAssociations = 16",
            "HostTable BEGIN",
            $"ourscp = (OURSCP, 127.0.0.1, {scp.Port})",
            "HostTable END",
            "VendorTable BEGIN",
            "VendorTable END",
            "AETable BEGIN",
            $"QRSCP   {db}   RW (200, 1024mb)   ANY",
            "AETable END",
            string.Empty));
        using var qr = ExternalProcess.Start("dcmqrscp", ["-c", config], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(qrPort, qr);
        using (var load = ExternalProcess.Start("storescu", ["-aec", "QRSCP", "127.0.0.1", qrPort.ToString(CultureInfo.InvariantCulture), "+sd", sources], DimseTestSupport.NoDelay))
        {
            Assert.True(await load.WaitAsync(ToolTimeout) == 0, load.Output);
        }

        var identifier = new DicomDataset(
            DicomElement.FromStrings(new DicomTag(0x0008, 0x0052), DicomVR.CS, "STUDY"),
            DicomElement.FromStrings(DicomTags.StudyInstanceUID, DicomVR.UI, study));
        var pending = new List<CMoveResponse>();
        await using var client = await DicomClient.ConnectAsync(Options(qrPort, "QRSCP") with { CallingAeTitle = "OURSCP" }, DicomClient.ProposeContexts(DicomQueryRetrieveUids.StudyRootFind, DicomQueryRetrieveUids.StudyRootMove), CancellationToken.None);
        var studies = new List<DicomDataset>();
        var findQuery = new DicomDataset(
            DicomElement.FromStrings(new DicomTag(0x0008, 0x0052), DicomVR.CS, "STUDY"),
            new DicomElement(DicomTags.StudyInstanceUID, DicomVR.UI, ReadOnlyMemory<byte>.Empty),
            new DicomElement(DicomTags.PatientID, DicomVR.LO, ReadOnlyMemory<byte>.Empty));
        await foreach (var match in client.FindAsync(DicomQueryRetrieveUids.StudyRootFind, findQuery))
        {
            studies.Add(match);
        }

        var found = Assert.Single(studies);
        Assert.Equal(study, found.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal(template.Dataset.GetString(DicomTags.PatientID), found.GetString(DicomTags.PatientID));
        var result = await client.MoveAsync(DicomQueryRetrieveUids.StudyRootMove, "OURSCP", identifier, new SyncProgress<CMoveResponse>(pending.Add), CancellationToken.None);
        await client.ReleaseAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.Equal(3, result.Completed);
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Warning);
        Assert.All(pending, p => Assert.Equal(3, p.Remaining + p.Completed + p.Failed + p.Warning));
        Assert.Equal(3, DimseTestSupport.DicomFilesIn(received).Length);
        Assert.Equal(3, originators.Count);
        Assert.All(originators, o => Assert.Equal("OURSCP", o.Ae));
        Assert.Single(originators.Select(o => o.MessageId).Distinct());
        foreach (var original in originals)
        {
            var path = Path.Combine(received, StorageScp.FileNameFor(original.Dataset.GetString(DicomTags.SOPInstanceUID))!);
            DimseTestSupport.AssertSameDataSet(original.Dataset, DicomFile.Open(path).Dataset);
        }
    }

    internal static DicomClientOptions Options(int port, string calledAe) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAeTitle = calledAe,
        CallingAeTitle = "CSEG-TEST",
        DimseTimeout = TimeSpan.FromSeconds(30),
    };

    private static DicomDataset WorklistQuery()
    {
        var step = new DicomDataset(
            new DicomElement(DicomTags.Modality, DicomVR.CS, ReadOnlyMemory<byte>.Empty),
            new DicomElement(new DicomTag(0x0040, 0x0001), DicomVR.AE, ReadOnlyMemory<byte>.Empty),
            new DicomElement(new DicomTag(0x0040, 0x0002), DicomVR.DA, ReadOnlyMemory<byte>.Empty));
        return new DicomDataset(
            new DicomElement(DicomTags.PatientName, DicomVR.PN, ReadOnlyMemory<byte>.Empty),
            new DicomElement(DicomTags.PatientID, DicomVR.LO, ReadOnlyMemory<byte>.Empty),
            new DicomSequence(new DicomTag(0x0040, 0x0100), step));
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
