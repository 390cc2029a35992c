using System.CommandLine;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg decoders list|install|enable|disable|remove</c>: manages the decoders of an installed model.</summary>
public static class DecodersCommand
{
    /// <summary>The catalogue shipped next to cseg.</summary>
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "organs-143.csv");

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("decoders", "List, install, enable, disable and remove the decoders of a model directory.");

        var model = Model();
        var list = new Command("list", "List installed decoders: id, version, task, classes, enabled, metrics.") { model };
        list.SetAction((parse, ct) => new DecoderPackageCommands(output, error).ListAsync(parse.GetValue(model)!, ct));
        command.Subcommands.Add(list);

        var installModel = Model();
        var package = new Argument<string>("PACKAGE") { Description = "The decoder package (.zip)." };
        var catalogue = new Option<string?>("--catalogue") { Description = "Structure catalogue CSV (default: the one shipped with cseg)." };
        var trusted = PackageCommand.TrustedKeys();
        var require = PackageCommand.RequireSignature();
        var replace = new Option<bool>("--replace") { Description = "Replace an installed decoder with the same id." };
        var upgrade = new Option<bool>("--upgrade") { Description = "Replace an installed decoder only with a newer version." };
        var disabled = new Option<bool>("--disabled") { Description = "Install without enabling." };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "Largest uncompressed payload to accept." };
        var install = new Command("install", "Verify and install a decoder package (encoder fingerprint, catalogue codes, checksums, signature).")
        {
            package, installModel, catalogue, trusted, require, replace, upgrade, disabled, maxBytes,
        };
        install.SetAction((parse, ct) => new DecoderPackageCommands(output, error).InstallAsync(
            new DecoderInstallRequest
            {
                ModelDirectory = parse.GetValue(installModel)!,
                PackagePath = parse.GetValue(package)!,
                CataloguePath = parse.GetValue(catalogue) ?? DefaultCataloguePath,
                TrustedKeyFiles = parse.GetValue(trusted) ?? [],
                RequireSignature = parse.GetValue(require),
                Replace = parse.GetValue(replace),
                Upgrade = parse.GetValue(upgrade),
                Disabled = parse.GetValue(disabled),
                MaxBytes = parse.GetValue(maxBytes),
            },
            ct));
        command.Subcommands.Add(install);

        command.Subcommands.Add(ById("enable", "Enable an installed decoder.", output, error, (c, m, id, ct) => c.EnableAsync(m, id, ct)));
        command.Subcommands.Add(ById("disable", "Disable an installed decoder (kept on disk).", output, error, (c, m, id, ct) => c.DisableAsync(m, id, ct)));
        command.Subcommands.Add(ById("remove", "Remove an installed decoder.", output, error, (c, m, id, ct) => c.RemoveAsync(m, id, ct)));
        return command;
    }

    private static Option<string> Model() => new("--model") { Description = "The model directory (plan.json, encoder.bin, decoders/).", Required = true };

    private static Command ById(string name, string description, TextWriter output, TextWriter error, Func<DecoderPackageCommands, string, string, CancellationToken, Task<int>> run)
    {
        var model = Model();
        var id = new Argument<string>("ID") { Description = "The decoder id." };
        var command = new Command(name, description) { id, model };
        command.SetAction((parse, ct) => run(new DecoderPackageCommands(output, error), parse.GetValue(model)!, parse.GetValue(id)!, ct));
        return command;
    }
}
