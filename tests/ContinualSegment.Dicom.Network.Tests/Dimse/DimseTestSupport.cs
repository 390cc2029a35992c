using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Shared helpers of the DIMSE tests: test data, ports, temporary directories and data set comparison.</summary>
internal static class DimseTestSupport
{
    /// <summary>Data Set Trailing Padding: dcmtk drops it when sending, as PS3.5 permits.</summary>
    public static readonly DicomTag Padding = new(0xFFFC, 0xFFFC);

    public const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static readonly Dictionary<string, string> NoDelay = new() { ["TCP_NODELAY"] = "1" };

    public static string TestFile(string name)
    {
        var path = Path.Combine(PydicomFiles, name);
        Assert.True(File.Exists(path), $"Test file {path} is missing (python3-pydicom is required).");
        return path;
    }

    /// <summary>
    /// A C-STORE-RQ command set for a CT image with a data set (message ID 1, medium priority), without its Affected
    /// SOP Instance UID, which each test sets its own way.
    /// </summary>
    public static DimseCommandSet CtStoreCommand()
    {
        var command = new DimseCommandSet();
        command.SetUid(DimseCommandSet.AffectedSopClassUid, DicomUids.CTImageStorage);
        command.SetUInt16(DimseCommandSet.CommandField, (ushort)DimseCommandField.CStoreRequest);
        command.SetUInt16(DimseCommandSet.MessageId, 1);
        command.SetUInt16(DimseCommandSet.Priority, 0);
        command.SetUInt16(DimseCommandSet.CommandDataSetType, 0);
        return command;
    }

    /// <summary>A port that was free a moment ago (bind port 0, read it, release it).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits until something accepts TCP connections on the port.</summary>
    public static async Task WaitForListenerAsync(int port, ExternalProcess process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (DateTime.UtcNow > deadline || process.HasExited)
                {
                    Assert.Fail($"The peer did not listen on port {port}: {process.Output}");
                }

                await Task.Delay(50);
            }
        }
    }

    public static DimseServer StartServer(string outputDirectory, AcceptancePolicy? policy = null, Func<DicomStoreContext, string, CancellationToken, ValueTask>? stored = null)
    {
        var server = new DimseServer(
            new DimseServerOptions { Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback }, TempDirectory = Path.Combine(outputDirectory, ".incoming") },
            policy ?? DicomAcceptancePolicies.Storage(),
            new StorageScp(new StorageScpOptions { OutputDirectory = outputDirectory, Fsync = true, InstanceStored = stored }));
        server.Start();
        return server;
    }

    public static string[] DicomFilesIn(string directory) =>
        [.. Directory.GetFiles(directory, "*.dcm", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)];

    /// <summary>Element-by-element comparison of values (VRs may legitimately differ between implicit and explicit encodings).</summary>
    public static void AssertSameDataSet(DicomDataset expected, DicomDataset actual, string where = "")
    {
        var expectedTags = expected.Where(e => !e.Tag.IsGroupLength && e.Tag != Padding).Select(e => e.Tag).ToList();
        var actualTags = actual.Where(e => !e.Tag.IsGroupLength && e.Tag != Padding).Select(e => e.Tag).ToList();
        Assert.Equal(expectedTags, actualTags);
        foreach (var e in expected)
        {
            if (e.Tag.IsGroupLength || e.Tag == Padding)
            {
                continue;
            }

            var a = actual.GetElement(e.Tag);
            switch (e)
            {
                case DicomSequence sq:
                    var other = Assert.IsType<DicomSequence>(a);
                    Assert.Equal(sq.Items.Count, other.Items.Count);
                    for (var i = 0; i < sq.Items.Count; i++)
                    {
                        AssertSameDataSet(sq.Items[i], other.Items[i], $"{where}{e.Tag}[{i}]");
                    }

                    break;
                case DicomFragmentSequence fs:
                    var otherFs = Assert.IsType<DicomFragmentSequence>(a);
                    Assert.Equal(fs.Fragments.Count, otherFs.Fragments.Count);
                    for (var i = 0; i < fs.Fragments.Count; i++)
                    {
                        Assert.True(fs.Fragments[i].Span.SequenceEqual(otherFs.Fragments[i].Span), $"{where}{e.Tag} fragment {i} differs");
                    }

                    break;
                default:
                    Assert.True(e.Value.Span.SequenceEqual(a.Value.Span), $"{where}{e.Tag} differs");
                    break;
            }
        }
    }
}
