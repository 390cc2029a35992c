namespace ContinualSegment.Cli.Tests;

public sealed class CommandLineConventionTests
{
    [Fact]
    public async Task Help_exits_zero_and_lists_doctor()
    {
        var (code, output, _) = await CsegRunner.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("doctor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_exits_zero_and_prints_the_assembly_version()
    {
        var (code, output, _) = await CsegRunner.RunAsync("--version");

        Assert.Equal(0, code);
        var expected = typeof(CsegApp).Assembly.GetName().Version!;
        Assert.StartsWith($"{expected.Major}.{expected.Minor}.{expected.Build}", output.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("doctor", "--no-such-option")]
    public async Task Bad_usage_exits_two_with_one_line_on_stderr(params string[] args)
    {
        var (code, _, error) = await CsegRunner.RunAsync(args);

        Assert.Equal(2, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("cseg: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_file_is_a_failure_with_a_clear_reason()
    {
        var (code, _, error) = await CsegRunner.RunAsync("doctor", "--config", "/nonexistent/cseg.json");

        Assert.Equal(1, code);
        Assert.Contains("configuration file not found", error, StringComparison.Ordinal);
    }
}
