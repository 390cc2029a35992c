namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>How <c>cseg serve</c> ends when a part of the node fails after start.</summary>
public sealed class ServeFailureTests
{
    [Fact]
    public async Task A_worker_that_cannot_load_its_model_stops_the_node_with_a_failure_status_and_says_why()
    {
        // The configuration check only sees that plan.json exists; loading it fails in the worker, after start. The node
        // stops, and its exit status must say it failed, or a service manager set to restart on failure (the systemd
        // unit's Restart=on-failure) would leave it down.
        var model = Directory.CreateTempSubdirectory("cseg-bad-model-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(model, "plan.json"), "{ \"format\": \"not a plan\" }");
            await using var serve = await ServeProcess.LaunchAsync(new Dictionary<string, string> { ["Model:Directory"] = model }, CancellationToken.None);
            var exit = await serve.WaitForExitAsync(TimeSpan.FromMinutes(2));

            Assert.True(exit > 0, $"cseg serve ended with {exit}:\n{serve.Log}");
            Assert.True(serve.Log.Contains("cseg serve: WorkerService failed:", StringComparison.Ordinal), serve.Log);
            Assert.DoesNotContain("cseg serve: stopped", serve.Log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(model, recursive: true);
        }
    }
}
