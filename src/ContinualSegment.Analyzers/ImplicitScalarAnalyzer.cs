using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContinualSegment.Analyzers;

/// <summary>
/// CSEG0001: a number converted implicitly to a TorchSharp <c>Scalar</c>. The conversion makes a native scalar that
/// nothing holds once its handle is passed to libtorch, so the garbage collector may finalize (free) it while the native
/// call still reads it: a rare wrong result or crash ("Unknown scalar type"). Make the scalar explicitly and keep it
/// alive for the call (<c>using var two = 2.0.ToScalar();</c>). TorchSharp's own operators between a tensor and a number
/// (<c>tensor * 2.0</c>) convert the same way inside the library, so they are reported too.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ImplicitScalarAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic's id.</summary>
    public const string Id = "CSEG0001";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "Implicit conversion to a TorchSharp Scalar",
        "'{0}' becomes a TorchSharp Scalar that nothing keeps alive during the native call; make it explicitly with ToScalar() and dispose it after the call",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An implicitly converted Scalar can be finalized by the garbage collector while libtorch still reads it.");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (scalar is null)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var binary = (IBinaryOperation)operation.Operation;
                    if (binary.OperatorMethod is not { } method || !SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor))
                    {
                        return;
                    }

                    if (method.Parameters.FirstOrDefault(p => IsNumber(p.Type)) is { } number)
                    {
                        var operand = number.Ordinal == 0 ? binary.LeftOperand : binary.RightOperand;
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, binary.Syntax.GetLocation(), operand.Syntax.ToString()));
                    }
                    else if (binary.OperatorKind == BinaryOperatorKind.Add
                        || (binary.OperatorKind == BinaryOperatorKind.Subtract && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, scalar)))
                    {
                        // Tensor + Tensor (or a Scalar) adds with TorchSharp's implicit alpha of 1; Scalar − Tensor too.
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, binary.Syntax.GetLocation(), "the implicit alpha 1 of " + binary.Syntax));
                    }
                },
                OperationKind.Binary);

            start.RegisterOperationAction(
                operation =>
                {
                    // add/add_/addcdiv/addcdiv_ without alpha (value) pass an implicit 1.
                    var call = (IInvocationOperation)operation.Operation;
                    var method = call.TargetMethod;
                    if (SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor)
                        && ((method.Name is "add" or "add_" && method.Parameters.Length == 1)
                            || (method.Name is "addcdiv" or "addcdiv_" or "addcmul" or "addcmul_" && method.Parameters.Length == 2)))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, call.Syntax.GetLocation(), "the implicit alpha 1 of " + method.Name));
                    }
                },
                OperationKind.Invocation);

            start.RegisterOperationAction(
                operation =>
                {
                    var conversion = (IConversionOperation)operation.Operation;
                    if (conversion.IsImplicit
                        && conversion.OperatorMethod is { } method
                        && SymbolEqualityComparer.Default.Equals(method.ContainingType, scalar)
                        && SymbolEqualityComparer.Default.Equals(conversion.Type, scalar))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(), conversion.Operand.Syntax.ToString()));
                    }
                },
                OperationKind.Conversion);
        });
    }

    private static bool IsNumber(ITypeSymbol type) => type.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte
        or SpecialType.System_Int16 or SpecialType.System_Int32 or SpecialType.System_Int64
        or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Boolean;
}
