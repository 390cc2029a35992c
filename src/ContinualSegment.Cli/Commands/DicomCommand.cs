using System.CommandLine;
using ContinualSegment.Dicom;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg dicom …</c>: DICOM field tools.</summary>
public static class DicomCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("dicom", "DICOM field tools: dump a file.");
        command.Subcommands.Add(Dump(output));
        return command;
    }

    private static Command Dump(TextWriter output)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A DICOM file (Part 10, or a raw data set)." };
        var full = new Option<bool>("--full") { Description = "Print every value in full (default: values are cut at 64 characters)." };
        var header = new Option<bool>("--header") { Description = "Stop before the pixel data (fast for large files)." };
        var command = new Command("dump", "Print the elements of a DICOM file, dcmdump style.") { file, full, header };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"file not found: {path}", path);
            }

            var options = parse.GetValue(header) ? new DicomReadOptions { StopBeforeTag = DicomTag.PixelData } : null;
            var dicom = await DicomFile.OpenAsync(path, options, cancellationToken).ConfigureAwait(false);
            DicomDumper.Dump(dicom, output, parse.GetValue(full) ? 0 : 64);
            return CsegApp.Success;
        });
        return command;
    }
}
