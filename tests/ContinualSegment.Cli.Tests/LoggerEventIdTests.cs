using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Cli.Tests;

/// <summary>
/// Every [LoggerMessage] of the libraries (and the CLI) has an event id of its own, inside its project's range
/// (docs/architecture.md, "Conventions"). Lives here because this project references every library.
/// </summary>
public sealed class LoggerEventIdTests
{
    private static readonly (string Assembly, int First, int Last)[] Ranges =
    [
        ("ContinualSegment.Dicom", 1000, 1999),
        ("ContinualSegment.Dicom.Network", 2000, 2999),
        ("ContinualSegment.Imaging", 3000, 3999),
        ("ContinualSegment.Model", 4000, 4999),
        ("ContinualSegment.Phantom", 5000, 5999),
        ("ContinualSegment.Node", 10000, 19999),
        ("cseg", 9000, 9999), // ContinualSegment.Cli
    ];

    [Fact]
    public void EventIdsAreUniqueAndInsideTheirProjectsRange()
    {
        var problems = new List<string>();
        var owners = new Dictionary<int, string>();
        var found = 0;
        foreach (var (name, first, last) in Ranges)
        {
            foreach (var (method, id) in LoggerMessages(Assembly.Load(name)))
            {
                found++;
                if (id < first || id > last)
                {
                    problems.Add($"{method} has event id {id}, outside {name}'s range {first}–{last}");
                }

                if (!owners.TryAdd(id, method))
                {
                    problems.Add($"{method} and {owners[id]} share event id {id}");
                }
            }
        }

        Assert.True(found > 10, $"only {found} [LoggerMessage] methods found: the scan is not seeing them");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static IEnumerable<(string Method, int Id)> LoggerMessages(Assembly assembly)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(All))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
                {
                    yield return ($"{assembly.GetName().Name}: {type.FullName}.{method.Name}", attribute.EventId);
                }
            }
        }
    }
}
