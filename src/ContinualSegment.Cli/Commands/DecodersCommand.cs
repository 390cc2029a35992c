using System.CommandLine;
using ContinualSegment.Model.Packages;
using ContinualSegment.Node.Workers;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg decoders list|install|enable|disable|remove|export</c>: manages the decoders of a model directory, those
/// trained into it and those installed from packages alike. With <c>--config FILE</c> a change is also recorded in the
/// configured node's database and announced to its workers, which use it from their next job on.
/// </summary>
public static class DecodersCommand
{
    /// <summary>The catalogue shipped next to cseg.</summary>
    public static string DefaultCataloguePath => Path.Combine(AppContext.BaseDirectory, "catalogue", "organs-143.csv");

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("decoders", "List, install, enable, disable, remove and export the decoders of a model directory.");

        var model = Model();
        var list = new Command("list", "List the model's decoders: id, version, task, classes, enabled, origin (model or package), metrics.") { model };
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
        var installConfig = Config();
        var install = new Command("install", "Verify and install a decoder package (encoder fingerprint, catalogue codes, checksums, signature).")
        {
            package, installModel, catalogue, trusted, require, replace, upgrade, disabled, maxBytes, installConfig,
        };
        install.SetAction((parse, ct) => WithRecorderAsync(parse.GetValue(installConfig), "decoders install", output, error, commands => commands.InstallAsync(
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
            ct)));
        command.Subcommands.Add(install);

        command.Subcommands.Add(ById("enable", "Enable a decoder.", output, error, (c, m, id, ct) => c.EnableAsync(m, id, ct)));
        command.Subcommands.Add(ById("disable", "Disable a decoder (kept in the model); the last enabled one cannot be disabled.", output, error, (c, m, id, ct) => c.DisableAsync(m, id, ct)));
        command.Subcommands.Add(ById("remove", "Remove a decoder from the model; the last enabled one cannot be removed.", output, error, (c, m, id, ct) => c.RemoveAsync(m, id, ct)));
        command.Subcommands.Add(Export(output, error));
        return command;
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("ID") { Description = "The decoder id." };
        var model = Model();
        var file = new Option<string>("--out") { Description = "The package file to write (*.cseg-decoder.zip).", Required = true };
        var signKey = new Option<string?>("--sign-key") { Description = "P-256 private key PEM to sign the manifest with." };
        var version = new Option<string?>("--version") { Description = "The package's version (default: the decoder's own; 1.0.0 for a decoder trained into the model)." };
        var catalogue = new Option<string?>("--catalogue") { Description = "Structure catalogue CSV for the classes' codes (default: the one shipped with cseg)." };
        var dataset = new Option<string?>("--dataset") { Description = "Training data set's name, for a decoder whose model did not record its provenance (with --cases)." };
        var cases = new Option<int?>("--cases") { Description = "Number of training cases, with --dataset." };
        var seed = new Option<long?>("--seed") { Description = "Training seed, with --dataset (default 0)." };
        var trainedAt = new Option<DateTimeOffset?>("--trained-at") { Description = "When training finished (ISO 8601), with --dataset (default: the weights file's time)." };
        var config = Config();
        var command = new Command("export", "Write an installable decoder package from a decoder of the model (manifest filled from the model).")
        {
            id, model, file, signKey, version, catalogue, dataset, cases, seed, trainedAt, config,
        };
        command.SetAction((parse, ct) => WithRecorderAsync(parse.GetValue(config), "decoders export", output, error, commands => commands.ExportAsync(
            new DecoderExportRequest
            {
                ModelDirectory = parse.GetValue(model)!,
                DecoderId = parse.GetValue(id)!,
                OutputPath = parse.GetValue(file)!,
                CataloguePath = parse.GetValue(catalogue) ?? DefaultCataloguePath,
                SigningKeyPath = parse.GetValue(signKey),
                Version = parse.GetValue(version),
                Dataset = parse.GetValue(dataset),
                Cases = parse.GetValue(cases),
                Seed = parse.GetValue(seed),
                TrainedAt = parse.GetValue(trainedAt),
            },
            ct)));
        return command;
    }

    private static Option<string> Model() => new("--model") { Description = "The model directory (plan.json, encoder.bin, decoders/).", Required = true };

    private static Option<string?> Config() => new("--config")
    {
        Description = "A running node's configuration file: the change is also recorded in its database and its workers use it from their next job.",
    };

    private static Command ById(string name, string description, TextWriter output, TextWriter error, Func<DecoderPackageCommands, string, string, CancellationToken, Task<int>> run)
    {
        var model = Model();
        var id = new Argument<string>("ID") { Description = "The decoder id." };
        var config = Config();
        var command = new Command(name, description) { id, model, config };
        command.SetAction((parse, ct) => WithRecorderAsync(parse.GetValue(config), "decoders " + name, output, error, commands => run(commands, parse.GetValue(model)!, parse.GetValue(id)!, ct)));
        return command;
    }

    /// <summary>Without a configuration file the model directory alone changes; with one the change is recorded in the node's database too.</summary>
    private static Task<int> WithRecorderAsync(string? configFile, string name, TextWriter output, TextWriter error, Func<DecoderPackageCommands, Task<int>> run) =>
        configFile is null
            ? run(new DecoderPackageCommands(output, error))
            : NodeAdminCommand.WithDatabaseAsync(configFile, name, error, db => run(new DecoderPackageCommands(output, error, recorder: new DecoderEventRecorder(db))));
}
