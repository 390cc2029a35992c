using ContinualSegment.Node.Hosting;
using Microsoft.Extensions.Configuration;

namespace ContinualSegment.Node.Tests.Hosting;

public sealed class NodeHostTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ContinualSegment.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_shipped_appsettings_binds_every_section_and_passes_the_checks()
    {
        var root = RepositoryRoot();
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "appsettings.json")).Build();

        var sections = NodeHost.Bind(configuration);
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(root);
        try
        {
            NodeHost.Check(sections);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }

        Assert.Equal("CSEG", sections.Dicom.AeTitle);
        Assert.Equal(NodeRole.All, sections.Node.EffectiveRoles);
        Assert.Equal(["PACS"], sections.Routing.Default.Destinations);
        Assert.Equal("PACS", sections.Destinations["PACS"].AeTitle);
        Assert.Equal(TimeSpan.FromDays(1), sections.Export.GiveUpAfter);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = "THIS-TITLE-IS-FAR-TOO-LONG",
            ["Dicom:Port"] = "70000",
            ["Database:Mode"] = "External",
            ["Destinations:PACS:AeTitle"] = "PACS",
            ["Destinations:PACS:Host"] = "",
            ["Destinations:PACS:Port"] = "104",
            ["Routing:Default:Destinations:0"] = "NOWHERE",
            ["Queue:MaxAttempts"] = "0",
            ["Model:Directory"] = "/no/such/model",
            ["Model:BodyPartMargin"] = "-1",
            ["Routing:Default:Outputs:0"] = "labels",
            ["Export:FirstRetryDelay"] = "00:10:00",
            ["Export:GiveUpAfter"] = "00:15:00",
        }).Build();

        var error = Assert.Throws<NodeConfigurationException>(() => NodeHost.Check(NodeHost.Bind(configuration)));

        Assert.Contains(error.Problems, p => p.StartsWith("Dicom:AeTitle", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Dicom:Port", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("ConnectionStrings:Postgres", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Destinations:PACS:Host", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'NOWHERE'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Queue:MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Model:Directory", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Model:BodyPartMargin must be a number ≥ 0, not -1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Routing:Default:Outputs must include seg or rtstruct", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Export:GiveUpAfter must be at least twice Export:FirstRetryDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_in_a_section_is_a_problem_not_silently_ignored()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dicom:AeTitel"] = "CSEG",
        }).Build();

        var error = Assert.Throws<NodeConfigurationException>(() => NodeHost.Bind(configuration));
        Assert.Contains(error.Problems, p => p.StartsWith("Dicom:", StringComparison.Ordinal) && p.Contains("AeTitel", StringComparison.Ordinal));
    }
}
