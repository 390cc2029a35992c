using System.Globalization;
using ContinualSegment.Cli.Bench;
using ContinualSegment.Dicom.Network.Tests;
using Npgsql;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>Interoperability: Orthanc (the Debian package, default configuration) as the PACS the node delivers to.</summary>
public sealed class OrthancDestinationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("cseg-orthanc-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task SEG_and_RTSTRUCT_of_a_series_arrive_at_Orthanc_and_pass_dciodvfy()
    {
        await using var orthanc = await OrthancReceiver.StartAsync("ORTHANC", Path.Combine(directory, "orthanc"), CancellationToken.None);
        var phantom = Path.Combine(directory, "phantom");
        var (code, output, error) = await CsegRunner.RunAsync("phantom", "--out", phantom, "--task", "headneck", "--size", "32", "--slice-spacing", "5", "--dicom");
        Assert.True(code == 0, output + error);
        var series = Directory.GetDirectories(Path.Combine(phantom, "dicom")).Single();

        await using var node = await ServeProcess.StartAsync(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Routing:QuietPeriodSeconds"] = "2",
                ["Destinations:PACS:AeTitle"] = "ORTHANC",
                ["Destinations:PACS:Host"] = "127.0.0.1",
                ["Destinations:PACS:Port"] = orthanc.Port.ToString(CultureInfo.InvariantCulture),
            },
            CancellationToken.None);
        var (sent, said) = await ExternalProcess.RunAsync("storescu", TimeSpan.FromMinutes(2), "-aet", "CT01", "-aec", "CSEG", "127.0.0.1", node.Port.ToString(CultureInfo.InvariantCulture), "+sd", series);
        Assert.True(sent == 0, said);

        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await orthanc.CountAsync(CancellationToken.None) < 2)
        {
            Assert.False(node.HasExited(), node.Log);
            Assert.True(DateTime.UtcNow < deadline, "Orthanc did not get two instances:\n" + node.Log);
            await Task.Delay(250);
        }

        var files = await orthanc.SaveInstancesAsync(Path.Combine(directory, "from-orthanc"), CancellationToken.None);
        Assert.Equal(2, files.Count);
        var modalities = new List<string>();
        foreach (var file in files)
        {
            var (_, dump) = await ExternalProcess.RunAsync("dcmdump", TimeSpan.FromMinutes(1), "-M", "+P", "0002,0010", "+P", "0008,0060", file);
            var modality = dump.Contains("[SEG]", StringComparison.Ordinal) ? "SEG" : dump.Contains("[RTSTRUCT]", StringComparison.Ordinal) ? "RTSTRUCT" : dump.Trim();
            modalities.Add(modality);

            // Orthanc accepts Deflated Explicit VR Little Endian, so the Segmentation travels (and is kept) deflated; dcmtk
            // inflates it for dciodvfy, which does not read that syntax.
            Assert.Equal(modality == "SEG", dump.Contains("=DeflatedLittleEndianExplicit", StringComparison.Ordinal));
            var inflated = file + ".explicit.dcm";
            var (converted, conversion) = await ExternalProcess.RunAsync("dcmconv", TimeSpan.FromMinutes(1), "+te", file, inflated);
            Assert.True(converted == 0, conversion);
            var (_, verdict) = await ExternalProcess.RunAsync("dciodvfy", TimeSpan.FromMinutes(1), inflated);
            Assert.DoesNotContain(verdict.Split('\n'), line => line.StartsWith("Error", StringComparison.Ordinal));
        }

        Assert.Equal(["RTSTRUCT", "SEG"], modalities.Order(StringComparer.Ordinal));
        await using var connection = new NpgsqlConnection(node.ConnectionString);
        await connection.OpenAsync();
        await using var delivered = new NpgsqlCommand("select count(*) from deliveries where state = 'delivered' and attempts = 1 and destination = 'PACS'", connection);
        Assert.Equal(1L, await delivered.ExecuteScalarAsync());
        await using var audited = new NpgsqlCommand("select count(*) from audit_events where action = 'delivery.delivered' and detail like '%ORTHANC%'", connection);
        Assert.Equal(1L, await audited.ExecuteScalarAsync());
    }
}
