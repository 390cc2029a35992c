using System.Net;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our client against our server: streaming, failure mapping, retry, refused operations.</summary>
public sealed class DimseServiceTests
{
    [Fact]
    public async Task StoreDataSetLargerThanTheMessageLimitIsStreamedToDisk()
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("out");
        var options = new DimseServerOptions
        {
            Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback, Association = new UpperLayerOptions { MaxMessageLength = 1024, Limits = new PduLimits { MaxPDataLength = 4096 } } },
            TempDirectory = temp.Sub("tmp"),
        };
        await using var server = new DimseServer(options, DicomAcceptancePolicies.Storage(), new StorageScp(new StorageScpOptions { OutputDirectory = output }));
        server.Start();
        var source = DimseTestSupport.TestFile("CT_small.dcm");
        Assert.True(new FileInfo(source).Length > 10 * 1024);

        var results = await DicomClient.SendFilesAsync(DicomClientInteropTests.Options(server.Port, "ANY"), [source], null, CancellationToken.None);

        Assert.True(Assert.Single(results).Succeeded, results[0].Error);
        var original = DicomFile.Open(source);
        DimseTestSupport.AssertSameDataSet(original.Dataset, DicomFile.Open(Assert.Single(DimseTestSupport.DicomFilesIn(output))).Dataset);
        Assert.Empty(Directory.GetFiles(options.TempDirectory));
    }

    [Fact]
    public async Task DataSetOverTheSizeLimitIsRefusedOutOfResources()
    {
        using var temp = new TempDirectory();
        var options = new DimseServerOptions { Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback }, TempDirectory = temp.Sub("tmp"), MaxDataSetLength = 2048 };
        await using var server = new DimseServer(options, DicomAcceptancePolicies.Storage(), new StorageScp(new StorageScpOptions { OutputDirectory = temp.Sub("out") }));
        server.Start();
        var results = await DicomClient.SendFilesAsync(DicomClientInteropTests.Options(server.Port, "ANY"), [DimseTestSupport.TestFile("CT_small.dcm")], null, CancellationToken.None);
        Assert.Equal(DimseStatus.OutOfResources, results[0].Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Path, "out")));
        Assert.Empty(Directory.GetFiles(options.TempDirectory));
    }

    [Fact]
    public async Task HandlerExceptionsMapToFailureStatusesAndRetryHookResends()
    {
        var handler = new ScriptedHandler(new IOException("disk full"), new InvalidDataException("bad"), new InvalidOperationException("boom"));
        await using var server = new DimseServer(new DimseServerOptions { Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback } }, DicomAcceptancePolicies.Storage(), handler);
        server.Start();
        var source = DimseTestSupport.TestFile("CT_small.dcm");
        var file = DicomFile.Open(source);
        var contexts = DicomClient.ProposeContexts([(DicomUids.CTImageStorage, file.TransferSyntax.Uid)]);

        await using (var client = await DicomClient.ConnectAsync(DicomClientInteropTests.Options(server.Port, "ANY"), contexts, CancellationToken.None))
        {
            var first = await client.StoreAsync(file, source, CancellationToken.None);
            Assert.Equal(DimseStatus.OutOfResources, first.Status);
            Assert.Equal("disk full", first.Error);
            Assert.Equal(DimseStatus.CannotUnderstand, (await client.StoreAsync(file, source, CancellationToken.None)).Status);
            Assert.Equal(DimseStatus.ProcessingFailure, (await client.StoreAsync(file, source, CancellationToken.None)).Status);
            Assert.Equal(DimseStatus.Success, (await client.StoreAsync(file, source, CancellationToken.None)).Status);
            await client.ReleaseAsync(CancellationToken.None);
        }

        handler.Enqueue(new IOException("transient"), new IOException("transient again"));
        var retrying = DicomClientInteropTests.Options(server.Port, "ANY") with { StoreRetryPolicy = (status, _) => status == DimseStatus.OutOfResources, RetryDelay = TimeSpan.Zero };
        await using (var client = await DicomClient.ConnectAsync(retrying, contexts, CancellationToken.None))
        {
            var result = await client.StoreAsync(file, source, CancellationToken.None);
            Assert.Equal(DimseStatus.Success, result.Status);
            Assert.Equal(3, result.Attempts);
            Assert.Equal(file.Dataset.GetString(DicomTags.SOPInstanceUID), handler.LastInstance);
            await client.ReleaseAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task EchoSucceedsAndUnsupportedFindIsRefused()
    {
        var policy = DicomAcceptancePolicies.Storage() with
        {
            AbstractSyntaxes = new Dictionary<string, IReadOnlyList<string>>(DicomAcceptancePolicies.Storage().AbstractSyntaxes)
            {
                [DicomQueryRetrieveUids.StudyRootFind] = [DicomUids.ImplicitVRLittleEndian],
            },
        };
        await using var server = new DimseServer(new DimseServerOptions { Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback } }, policy, storeHandler: null);
        server.Start();
        await using var client = await DicomClient.ConnectAsync(DicomClientInteropTests.Options(server.Port, "ANY"), DicomClient.ProposeContexts(DicomUids.Verification, DicomQueryRetrieveUids.StudyRootFind), CancellationToken.None);
        Assert.Equal(DimseStatus.Success, await client.EchoAsync(CancellationToken.None));
        var query = new DicomDataset(DicomElement.FromStrings(new DicomTag(0x0008, 0x0052), DicomVR.CS, "STUDY"));
        var error = await Assert.ThrowsAsync<DimseStatusException>(async () =>
        {
            await foreach (var unused in client.FindAsync(DicomQueryRetrieveUids.StudyRootFind, query))
            {
                Assert.Fail("no match expected");
            }
        });
        Assert.Equal(DimseStatus.SopClassNotSupported, error.Status);
        Assert.Equal(DimseStatus.Success, await client.EchoAsync(CancellationToken.None));
        await client.ReleaseAsync(CancellationToken.None);
    }

    private sealed class ScriptedHandler(params Exception[] failures) : IDicomStoreHandler
    {
        private readonly Queue<Exception> _failures = new(failures);

        public string? LastInstance { get; private set; }

        public void Enqueue(params Exception[] failures)
        {
            foreach (var f in failures)
            {
                _failures.Enqueue(f);
            }
        }

        public ValueTask<DimseStatus> StoreAsync(DicomStoreContext context, CancellationToken cancellationToken)
        {
            Assert.True(File.Exists(context.FilePath));
            using (var stream = new FileStream(context.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                Assert.Equal(stream.Length, context.DataSetOffset + context.DataSetLength);
                Assert.Equal(stream.Length, context.File.Length);
            }

            // The file is a complete Part 10 file whose meta information matches the request.
            var file = DicomFile.Open(context.FilePath);
            Assert.Equal(context.SopInstanceUid, file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPInstanceUID));
            Assert.Equal(context.TransferSyntaxUid, file.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
            if (_failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            LastInstance = context.SopInstanceUid;
            return ValueTask.FromResult(DimseStatus.Success);
        }
    }
}
