using ContinualSegment.Dicom;

namespace ContinualSegment.Cli.Tests;

public sealed class DicomNetworkCommandTests : IDisposable
{
    private const string CtSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-net-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Listen_receives_what_send_sends_and_answers_echo()
    {
        var port = TestEnvironment.FreeTcpPort();
        var outDir = Path.Combine(dir.FullName, "in");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var listen = CsegRunner.RunAsync(stop.Token, "dicom", "listen", "--aet", "CSEG-TEST", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", outDir, "--fsync", "--bind", "127.0.0.1");

        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (int Code, string Output, string Error) echo = default;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            echo = await CsegRunner.RunAsync("dicom", "echo", "127.0.0.1", portText, "--aec", "CSEG-TEST", "--timeout", "10");
            if (echo.Code == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(echo.Code == 0, echo.Output + echo.Error);
        var send = await CsegRunner.RunAsync("dicom", "send", "127.0.0.1", portText, "--aec", "CSEG-TEST", CtSmall);
        Assert.True(send.ExitCode == 0, send.Output + send.Error);
        var wrongAe = await CsegRunner.RunAsync("dicom", "echo", "127.0.0.1", portText, "--aec", "SOMEONE-ELSE", "--timeout", "10");
        Assert.Equal(1, wrongAe.ExitCode);

        await stop.CancelAsync();
        await listen;
        var source = DicomFile.Open(CtSmall).Dataset;
        var received = DicomFile.Open(Path.Combine(outDir, source.GetString(DicomTags.SOPInstanceUID) + ".dcm")).Dataset;
        Assert.Equal(source.GetElement(DicomTags.PixelData).Value.ToArray(), received.GetElement(DicomTags.PixelData).Value.ToArray());
        Assert.Equal(source.GetString(DicomTags.PatientName), received.GetString(DicomTags.PatientName));
    }

    [Fact]
    public async Task Echo_to_a_closed_port_fails_with_exit_one()
    {
        var (code, _, _) = await CsegRunner.RunAsync("dicom", "echo", "127.0.0.1", TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "5");

        Assert.Equal(1, code);
    }
}
