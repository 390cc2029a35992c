using System.Text;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>dcmtk service users (echoscu, storescu) against our storage SCP.</summary>
public sealed class StorageScpInteropTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EchoscuIsAnswered()
    {
        using var temp = new TempDirectory();
        await using var server = DimseTestSupport.StartServer(temp.Path);
        using var echo = ExternalProcess.Start("echoscu", ["-v", "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        Assert.Equal(0, await echo.WaitAsync(ToolTimeout));
        Assert.Contains("Received Echo Response (Success)", echo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-xi", DicomUids.ImplicitVRLittleEndian)]
    [InlineData("-xe", DicomUids.ExplicitVRLittleEndian)]
    [InlineData("-xb", DicomUids.ExplicitVRBigEndian)]
    [InlineData("-xd", DicomUids.DeflatedExplicitVRLittleEndian)]
    public async Task StorescuUncompressedProposalsArriveIdentical(string proposal, string expectedTransferSyntax)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        var policy = DicomAcceptancePolicies.Storage(transferSyntaxes: [expectedTransferSyntax]);
        await using var server = DimseTestSupport.StartServer(output, policy);
        string[] sources = [DimseTestSupport.TestFile("CT_small.dcm"), DimseTestSupport.TestFile("MR_small.dcm")];
        await RunStorescuAsync(server.Port, [proposal], sources);

        foreach (var source in sources)
        {
            var original = DicomFile.Open(source);
            var received = ReceivedFileFor(output, original);
            Assert.Equal(expectedTransferSyntax, received.TransferSyntax.Uid);
            Assert.Equal(expectedTransferSyntax, received.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
            Assert.Equal(original.Dataset.GetString(DicomTags.SOPClassUID), received.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID));
            DimseTestSupport.AssertSameDataSet(original.Dataset, received.Dataset);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(output, ".incoming")));
    }

    [Theory]
    [InlineData("-xr", "MR_small_RLE.dcm", DicomUids.RLELossless)]
    [InlineData("-xt", "MR_small_jpeg_ls_lossless.dcm", DicomUids.JPEGLSLossless)]
    [InlineData("-xs", null, DicomUids.JPEGLosslessSV1)]
    public async Task StorescuCompressedInstancesAreStoredAsReceived(string proposal, string? file, string transferSyntax)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        string source;
        if (file is null)
        {
            source = Path.Combine(temp.Path, "ct-jpeg-lossless.dcm");
            var (exit, log) = await ExternalProcess.RunAsync("dcmcjpeg", ToolTimeout, "+e1", DimseTestSupport.TestFile("CT_small.dcm"), source);
            Assert.True(exit == 0, log);
        }
        else
        {
            source = DimseTestSupport.TestFile(file);
        }

        await using var server = DimseTestSupport.StartServer(output);
        await RunStorescuAsync(server.Port, [proposal], [source]);
        var original = DicomFile.Open(source);
        Assert.Equal(transferSyntax, original.TransferSyntax.Uid);
        var received = ReceivedFileFor(output, original);
        Assert.Equal(transferSyntax, received.TransferSyntax.Uid);
        DimseTestSupport.AssertSameDataSet(original.Dataset, received.Dataset);

        var (dumpExit, dump) = await ExternalProcess.RunAsync("dcmdump", ToolTimeout, "-M", Path.Combine(output, StorageScp.FileNameFor(original.Dataset.GetString(DicomTags.SOPInstanceUID))!));
        Assert.True(dumpExit == 0, dump);
    }

    [Theory]
    [InlineData("-xs", null, DicomUids.JPEGLosslessSV1)]
    [InlineData("-xr", "MR_small_RLE.dcm", DicomUids.RLELossless)]
    public async Task FirstProposedTransferSyntaxWinsWhenOneContextCarriesSeveral(string proposal, string? file, string transferSyntax)
    {
        // +C puts the compressed syntax first and the uncompressed ones after it in one context: the default storage
        // policy takes the sender's first choice, so storescu sends the file as it is instead of decompressing it.
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        var source = file is null ? await JpegLosslessCopyAsync(temp.Path) : DimseTestSupport.TestFile(file);
        await using var server = DimseTestSupport.StartServer(output);
        await RunStorescuAsync(server.Port, [proposal, "+C"], [source]);
        var original = DicomFile.Open(source);
        Assert.Equal(transferSyntax, original.TransferSyntax.Uid);
        Assert.Equal(transferSyntax, ReceivedFileFor(output, original).TransferSyntax.Uid);

        // With our own order instead, Explicit VR Little Endian is accepted, and storescu (which cannot decompress)
        // fails to send: what a PACS without a decompressor meets at a receiver that insists on its own order.
        var ours = temp.Sub("ours");
        var policy = DicomAcceptancePolicies.Storage(preference: TransferSyntaxPreference.Ours, transferSyntaxes: [DicomUids.ExplicitVRLittleEndian, transferSyntax]);
        await using var oursServer = DimseTestSupport.StartServer(ours, policy);
        using var storescu = ExternalProcess.Start("storescu", [proposal, "+C", "127.0.0.1", oursServer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), source], DimseTestSupport.NoDelay);
        await storescu.WaitAsync(ToolTimeout);
        Assert.Contains("unable to convert dataset", storescu.Output, StringComparison.Ordinal);
        Assert.Empty(DimseTestSupport.DicomFilesIn(ours));
    }

    private static async Task<string> JpegLosslessCopyAsync(string directory)
    {
        var source = Path.Combine(directory, "ct-jpeg-lossless.dcm");
        var (exit, log) = await ExternalProcess.RunAsync("dcmcjpeg", ToolTimeout, "+e1", DimseTestSupport.TestFile("CT_small.dcm"), source);
        Assert.True(exit == 0, log);
        return source;
    }

    [Fact]
    public async Task UserIdentityIsCheckedByThePolicy()
    {
        using var temp = new TempDirectory();
        var policy = DicomAcceptancePolicies.Storage() with
        {
            RequireUserIdentity = true,
            UserIdentityValidator = (identity, _, _) => ValueTask.FromResult(new UserIdentityVerdict(
                identity.IdentityType == UserIdentityType.UsernameAndPasscode
                && Encoding.UTF8.GetString(identity.PrimaryField.Span) == "alice"
                && Encoding.UTF8.GetString(identity.SecondaryField.Span) == "s3cret",
                ReadOnlyMemory<byte>.Empty)),
        };
        await using var server = DimseTestSupport.StartServer(temp.Sub("out"), policy);
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using (var ok = ExternalProcess.Start("storescu", ["-usr", "alice", "-pwd", "s3cret", "127.0.0.1", port, DimseTestSupport.TestFile("CT_small.dcm")], DimseTestSupport.NoDelay))
        {
            Assert.True(await ok.WaitAsync(ToolTimeout) == 0, ok.Output);
        }

        Assert.Single(DimseTestSupport.DicomFilesIn(Path.Combine(temp.Path, "out")));

        using var wrong = ExternalProcess.Start("storescu", ["-usr", "alice", "-pwd", "wrong", "127.0.0.1", port, DimseTestSupport.TestFile("MR_small.dcm")], DimseTestSupport.NoDelay);
        Assert.NotEqual(0, await wrong.WaitAsync(ToolTimeout));
        Assert.Contains("Association Rejected", wrong.Output, StringComparison.OrdinalIgnoreCase);

        using var none = ExternalProcess.Start("storescu", ["127.0.0.1", port, DimseTestSupport.TestFile("MR_small.dcm")], DimseTestSupport.NoDelay);
        Assert.NotEqual(0, await none.WaitAsync(ToolTimeout));
        Assert.Single(DimseTestSupport.DicomFilesIn(Path.Combine(temp.Path, "out")));
    }

    [Fact]
    public async Task ThreeHundredSliceSeriesArrivesComplete()
    {
        using var temp = new TempDirectory();
        var sourceDir = temp.Sub("series");
        var output = temp.Sub("out");
        var template = DicomFile.Open(DimseTestSupport.TestFile("CT_small.dcm"));
        var series = DicomUid.Generate();
        for (var i = 0; i < 300; i++)
        {
            var ds = template.Dataset.Clone();
            ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate());
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, series);
            ds.AddOrUpdate(new DicomTag(0x0020, 0x0013), (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            ds.AddOrUpdate(new DicomTag(0x0020, 0x0032), "-158.135803", "-179.035797", (-100.0 + (i * 1.25)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
            new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(Path.Combine(sourceDir, $"slice{i:D3}.dcm"));
        }

        var stored = 0;
        await using var server = DimseTestSupport.StartServer(output, stored: (_, _, _) =>
        {
            Interlocked.Increment(ref stored);
            return ValueTask.CompletedTask;
        });
        await RunStorescuAsync(server.Port, ["+sd"], [sourceDir]);

        Assert.Equal(300, Volatile.Read(ref stored));
        Assert.Equal(300, DimseTestSupport.DicomFilesIn(output).Length);
        foreach (var source in Directory.GetFiles(sourceDir))
        {
            var original = DicomFile.Open(source);
            var received = ReceivedFileFor(output, original);
            DimseTestSupport.AssertSameDataSet(original.Dataset, received.Dataset, Path.GetFileName(source));
        }
    }

    private static DicomFile ReceivedFileFor(string output, DicomFile original)
    {
        var name = StorageScp.FileNameFor(original.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.NotNull(name);
        var path = Path.Combine(output, name);
        Assert.True(File.Exists(path), $"{path} was not received");
        return DicomFile.Open(path);
    }

    private static async Task RunStorescuAsync(int port, IEnumerable<string> options, IEnumerable<string> files)
    {
        using var storescu = ExternalProcess.Start("storescu", [.. options, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files], DimseTestSupport.NoDelay);
        var exit = await storescu.WaitAsync(ToolTimeout);
        Assert.True(exit == 0, storescu.Output);
        Assert.DoesNotContain("Status: ", storescu.Output.Replace("Status: 0000", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
