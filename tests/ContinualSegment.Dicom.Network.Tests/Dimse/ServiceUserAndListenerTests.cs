using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The result APIs behind the field tools: <see cref="StorageListener"/>, <see cref="DicomServiceUser"/>, <see cref="DicomQueryIdentifiers"/>.</summary>
public sealed class ServiceUserAndListenerTests
{
    [Fact]
    public async Task ListenerReportsDecisionsAndStoredInstancesOfWhatTheServiceUserSends()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "received");
        var sources = temp.Sub("sources");
        File.Copy(DimseTestSupport.TestFile("CT_small.dcm"), Path.Combine(sources, "a.dcm"));
        File.Copy(DimseTestSupport.TestFile("MR_small.dcm"), Path.Combine(sources, "b.dcm"));
        var observer = new RecordingObserver();
        var stored = new ConcurrentQueue<StoredInstance>();
        await using var listener = new StorageListener(new StorageListenerOptions
        {
            AeTitle = "CSEG-STORE",
            Port = 0,
            OutputDirectory = output,
            Fsync = true,
            BindAddress = IPAddress.Loopback,
            Observer = observer,
            InstanceStored = stored.Enqueue,
        });
        listener.Start();
        var client = new DicomClientOptions { Host = "127.0.0.1", Port = listener.Port, CalledAeTitle = "CSEG-STORE" };

        var echoes = new List<DicomEchoResult>();
        await foreach (var echo in DicomServiceUser.EchoAsync(client, 2))
        {
            echoes.Add(echo);
        }

        Assert.Equal(2, echoes.Count);
        Assert.All(echoes, e => Assert.True(e.Status.IsSuccess && e.RoundTrip > TimeSpan.Zero));

        var rejected = await Assert.ThrowsAsync<AssociationRejectedException>(async () =>
        {
            await foreach (var echo in DicomServiceUser.EchoAsync(client with { CalledAeTitle = "SOMEONE-ELSE" }, 1))
            {
            }
        });

        var results = await DicomClient.SendFilesAsync(client, [.. Directory.GetFiles(sources).Order(StringComparer.Ordinal)], null, CancellationToken.None);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        await listener.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(2, stored.Count);
        Assert.All(stored, s =>
        {
            Assert.True(File.Exists(s.Path));
            Assert.Equal(output, Path.GetDirectoryName(s.Path));
            Assert.Equal("CSEG", s.CallingAeTitle);
            Assert.Equal(DicomUids.ExplicitVRLittleEndian, s.TransferSyntaxUid);
        });
        Assert.Equal(results.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal), stored.Select(s => s.SopInstanceUid).Order(StringComparer.Ordinal));

        var events = observer.Events.ToList();
        Assert.Equal(2, events.OfType<AssociationAccepted>().Count(a => a.CalledAeTitle == "CSEG-STORE" && !a.IsRequestor && a.AcceptedContexts > 0));
        Assert.Equal(2, events.OfType<AssociationReleased>().Count());
        var rejection = Assert.Single(events.OfType<AssociationRejected>());
        Assert.Equal("SOMEONE-ELSE", rejection.CalledAeTitle);
        Assert.Equal(IPAddress.Loopback, rejection.RemoteEndPoint?.Address);
        Assert.Equal(rejection.Rejection.Describe(), rejected.Reject.Describe());
        Assert.Empty(observer.Refusals);
    }

    [Fact]
    public async Task FindYieldsTheWorklistOfWlmscpfs()
    {
        using var temp = new TempDirectory();
        var aeDir = temp.Sub("OFFIS");
        var dumps = Directory.GetFiles("/usr/share/doc/dcmtk/examples/wlistdb/OFFIS", "*.dump");
        Assert.NotEmpty(dumps);
        foreach (var dump in dumps)
        {
            var (exit, log) = await ExternalProcess.RunAsync("dump2dcm", TimeSpan.FromSeconds(30), dump, Path.Combine(aeDir, Path.GetFileNameWithoutExtension(dump) + ".wl"));
            Assert.True(exit == 0, log);
        }

        await File.WriteAllBytesAsync(Path.Combine(aeDir, "lockfile"), []);
        var port = DimseTestSupport.FreePort();
        using var wlm = ExternalProcess.Start("wlmscpfs", ["-dfp", temp.Path, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, wlm);

        var identifier = DicomQueryIdentifiers.Worklist();
        DicomQueryIdentifiers.ApplyKeys(identifier, ["PatientName=VIVALDI*"]);
        var matches = new List<DicomDataset>();
        await foreach (var match in DicomServiceUser.FindAsync(new DicomClientOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "OFFIS" }, DicomQueryRetrieveUids.ModalityWorklistFind, identifier))
        {
            matches.Add(match);
        }

        var expected = dumps.Count(d => File.ReadAllText(d).Contains("VIVALDI", StringComparison.Ordinal));
        Assert.True(expected > 0);
        Assert.Equal(expected, matches.Count);
        Assert.All(matches, m => Assert.StartsWith("VIVALDI", m.GetString(DicomTags.PatientName), StringComparison.Ordinal));
    }

    [Fact]
    public void QueryKeysAreParsedAndSequencesRefused()
    {
        var identifier = DicomQueryIdentifiers.StudyRoot("SERIES");
        DicomQueryIdentifiers.ApplyKeys(identifier, ["PatientID=123", "0008,0060=CT\\MR", "SeriesInstanceUID"]);
        Assert.Equal("SERIES", identifier.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal("123", identifier.GetString(DicomTags.PatientID));
        Assert.Equal(["CT", "MR"], identifier.GetStrings(new DicomTag(0x0008, 0x0060)));
        Assert.True(identifier.Contains(new DicomTag(0x0020, 0x000E)));
        Assert.Throws<ArgumentException>(() => DicomQueryIdentifiers.ApplyKeys(identifier, ["ScheduledProcedureStepSequence=x"]));
    }
}
