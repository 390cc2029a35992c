namespace ContinualSegment.Cli.Tests;

public sealed class DecodersCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-dec-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Keygen_writes_a_key_pair_and_list_shows_an_empty_model()
    {
        var model = Directory.CreateDirectory(Path.Combine(dir.FullName, "model")).FullName;
        await File.WriteAllTextAsync(Path.Combine(model, "plan.json"), $$"""{ "encoderFingerprint": "{{new string('a', 64)}}" }""");

        var (code, _, error) = await CsegRunner.RunAsync("package", "keygen", "--private", Path.Combine(dir.FullName, "k.pem"), "--public", Path.Combine(dir.FullName, "k.pub.pem"));
        Assert.True(code == 0, error);
        Assert.Contains("PUBLIC KEY", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "k.pub.pem")), StringComparison.Ordinal);

        (code, _, error) = await CsegRunner.RunAsync("decoders", "list", "--model", model);
        Assert.True(code == 0, error);
    }

    [Fact]
    public async Task Enabling_an_unknown_decoder_is_refused_with_exit_one()
    {
        var model = Directory.CreateDirectory(Path.Combine(dir.FullName, "model")).FullName;
        await File.WriteAllTextAsync(Path.Combine(model, "plan.json"), $$"""{ "encoderFingerprint": "{{new string('b', 64)}}" }""");

        var (code, _, error) = await CsegRunner.RunAsync("decoders", "enable", "no-such-decoder", "--model", model);

        Assert.Equal(1, code);
        Assert.Contains("no-such-decoder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_without_a_package_is_bad_usage()
    {
        var (code, _, _) = await CsegRunner.RunAsync("decoders", "install", "--model", dir.FullName);

        Assert.Equal(2, code);
    }
}
