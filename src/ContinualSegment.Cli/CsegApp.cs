using System.CommandLine;
using ContinualSegment.Cli.Commands;

namespace ContinualSegment.Cli;

/// <summary>The <c>cseg</c> command tree and its exit-code conventions: 0 success, 1 failure, 2 bad usage.</summary>
public static class CsegApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    /// <summary>Parses and runs one command line; bad usage prints one line to <paramref name="error"/> and returns 2.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Name the offending token rather than a consequence of it ("required command was not provided").
            var first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var message = string.Join(' ', first.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync($"cseg: {message} (see 'cseg --help')").ConfigureAwait(false);
            return BadUsage;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ContinualSegment.Dicom.DicomException or IOException or UnauthorizedAccessException or InvalidDataException or ContinualSegment.Imaging.Series.SeriesLoadException or ContinualSegment.Model.Plans.ModelPlanException or ContinualSegment.Model.Datasets.NnUnetDatasetException or ContinualSegment.Model.Packages.DecoderPackageException or ContinualSegment.Model.Pipeline.SegmentationInputException)
        {
            await error.WriteLineAsync($"cseg: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cseg: cancelled").ConfigureAwait(false);
            return Failure;
        }
    }

    internal static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("ContinualSegment: a DICOM auto-segmentation node (cseg).");
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction(output);
        }

        root.Subcommands.Add(DoctorCommand.Create(output, error));
        root.Subcommands.Add(DicomCommand.Create(output, error));
        root.Subcommands.Add(PhantomCommand.Create(output));
        root.Subcommands.Add(EvaluateCommand.Create(output));
        root.Subcommands.Add(ExperimentCommand.Create(output));
        root.Subcommands.Add(ResultsCommand.Create(output));
        root.Subcommands.Add(TrainCommand.Create(output));
        root.Subcommands.Add(TrimCommand.Create(output));
        root.Subcommands.Add(CalibrateCommand.Create(output));
        root.Subcommands.Add(BodyPartCommand.Create(output));
        root.Subcommands.Add(PackageCommand.Create(output, error));
        root.Subcommands.Add(DecodersCommand.Create(output, error));
        root.Subcommands.Add(BenchCommand.Create(output));
        root.Subcommands.Add(SegmentCommand.Create(output));
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(NodeAdminCommand.Jobs(output, error));
        root.Subcommands.Add(NodeAdminCommand.Deliveries(output, error));
        root.Subcommands.Add(NodeAdminCommand.Audit(output, error));
        return root;
    }
}
