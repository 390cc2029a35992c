using System.Collections.Immutable;
using ContinualSegment.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContinualSegment.Analyzers.Tests;

public sealed class ImplicitScalarAnalyzerTests
{
    [Theory]
    [InlineData("var r = a * 2.0;")]
    [InlineData("var r = 0.5 * a;")]
    [InlineData("var r = a.mul(2.0);")]
    [InlineData("var r = a > 0.5f;")]
    [InlineData("var r = a + b;")]
    [InlineData("var r = a.add(b);")]
    [InlineData("a.add_(b);")]
    [InlineData("using var s = 2.ToScalar(); var r = a + s;")]
    [InlineData("using var s = 2.ToScalar(); var r = s - a;")]
    public async Task An_implicit_scalar_is_reported(string statement)
    {
        var diagnostics = await AnalyzeAsync(statement);

        Assert.Single(diagnostics);
        Assert.Equal(ImplicitScalarAnalyzer.Id, diagnostics[0].Id);
    }

    [Fact]
    public async Task Each_implicit_scalar_of_a_call_is_reported_where_it_is()
    {
        var diagnostics = await AnalyzeAsync("var r = a.clamp(-1000, 1000);");

        Assert.Equal(["-1000", "1000"], diagnostics.Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("using var two = 2.0.ToScalar(); var r = a.mul(two);")]
    [InlineData("using var one = 1.ToScalar(); var r = a.add(b, one);")]
    [InlineData("var r = a - b;")]
    [InlineData("var r = a * b;")]
    [InlineData("var r = a.sum(0);")]
    [InlineData("double x = 2.0 * 3.0;")]
    public async Task Explicit_scalars_and_tensor_only_arithmetic_pass(string statement)
    {
        Assert.Empty(await AnalyzeAsync(statement));
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string statement)
    {
        var source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            public static class Sample
            {
                public static void Run(Tensor a, Tensor b)
                {
                    {{statement}}
                }
            }
            """;
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.GetFiles(runtime, "*.dll")
            .Where(f => Path.GetFileName(f) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll" or "System.Collections.dll" or "System.Linq.dll" or "System.Runtime.Numerics.dll")
            .Append(typeof(TorchSharp.Scalar).Assembly.Location)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f));
        var compilation = CSharpCompilation.Create(
            "sample",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join('\n', errors.Select(e => e.ToString())));
        var analyzed = compilation.WithAnalyzers([new ImplicitScalarAnalyzer()]);
        return await analyzed.GetAnalyzerDiagnosticsAsync();
    }
}
