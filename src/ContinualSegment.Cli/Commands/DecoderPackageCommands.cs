using System.Globalization;
using ContinualSegment.Model.Packages;
using ContinualSegment.Node.Workers;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// The text side of <c>cseg package</c> and <c>cseg decoders list|install|enable|disable|remove|export</c>: each method
/// calls <see cref="DecoderPackageService"/> or <see cref="ModelDirectory"/>, writes a human-readable result to the
/// output writer, a refusal as <c>refused (Reason): message</c> to the error writer, and returns the exit code
/// (<see cref="ExitOk"/> or <see cref="ExitRefused"/>). Other errors (missing files, I/O) propagate. With a
/// <see cref="DecoderEventRecorder"/> (a node's database) every change is recorded there and announced to the
/// node's workers, in the transaction the change runs in.
/// </summary>
public sealed class DecoderPackageCommands
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = CsegApp.Success;

    /// <summary>Exit code for a refused package or an unknown decoder (cseg's general failure code).</summary>
    public const int ExitRefused = CsegApp.Failure;

    /// <summary>The actor named in a recorded decoder change.</summary>
    public const string Actor = "cseg-cli";

    private readonly TextWriter output;
    private readonly TextWriter error;
    private readonly DecoderPackageService service;
    private readonly DecoderEventRecorder? recorder;

    /// <summary>Creates the commands writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where refusals go.</param>
    /// <param name="service">The package service (default: a new one).</param>
    /// <param name="recorder">Where changes are recorded for a running node, or null (the model directory alone).</param>
    public DecoderPackageCommands(TextWriter output, TextWriter error, DecoderPackageService? service = null, DecoderEventRecorder? recorder = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        this.output = output;
        this.error = error;
        this.service = service ?? new DecoderPackageService();
        this.recorder = recorder;
    }

    /// <summary><c>cseg package --manifest FILE (--file PATH=SOURCE)... [--dir DIR] --out FILE [--sign-key PEM]</c>.</summary>
    public Task<int> PackageAsync(string manifestPath, IReadOnlyList<string> fileSpecs, string? payloadDirectory, string outputPath, string? signingKeyPath, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var built = await DecoderPackageService.PackageAsync(manifestPath, fileSpecs, payloadDirectory, outputPath, signingKeyPath, cancellationToken).ConfigureAwait(false);
            var m = built.Manifest;
            await output.WriteLineAsync($"wrote {built.Path}: decoder {m.Id} {m.Version}, {m.Files.Count} file(s), {m.Files.Sum(f => f.Size)} bytes, {(built.SignerKeyId is null ? "unsigned" : "signed by key " + built.SignerKeyId)}").ConfigureAwait(false);
        });

    /// <summary><c>cseg package keygen --private FILE --public FILE</c>: writes a new P-256 key pair.</summary>
    public async Task<int> KeygenAsync(string privateKeyPath, string publicKeyPath, CancellationToken cancellationToken)
    {
        var pair = await DecoderPackageService.KeygenAsync(privateKeyPath, publicKeyPath, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"key id {pair.KeyId}: private key {pair.PrivateKeyPath}, public key {pair.PublicKeyPath}").ConfigureAwait(false);
        return ExitOk;
    }

    /// <summary><c>cseg package verify FILE [--trusted-key FILE]... [--require-signature]</c>.</summary>
    public Task<int> VerifyAsync(string packagePath, IReadOnlyList<string> trustedKeyFiles, bool requireSignature, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var verified = await DecoderPackageService.VerifyAsync(packagePath, trustedKeyFiles, requireSignature, cancellationToken).ConfigureAwait(false);
            var m = verified.Manifest;
            await output.WriteLineAsync($"ok: decoder {m.Id} {m.Version}, task {m.Task}, {m.Classes.Count} classes, {m.Files.Count} file(s), signature {Describe(verified)}").ConfigureAwait(false);
        });

    /// <summary>
    /// <c>cseg decoders list --model DIR</c>: one line per decoder, trained into the model or installed from a package,
    /// in the order the pipeline runs them.
    /// </summary>
    public Task<int> ListAsync(string modelDirectory, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var decoders = await service.Open(modelDirectory).ListAsync(cancellationToken).ConfigureAwait(false);
            if (decoders.Count == 0)
            {
                await output.WriteLineAsync("no decoders in the model").ConfigureAwait(false);
                return;
            }

            await output.WriteLineAsync("id\tversion\ttask\tclasses\tenabled\torigin\tmetrics").ConfigureAwait(false);
            foreach (var d in decoders)
            {
                var metrics = d.Problem is not null
                    ? "PROBLEM: " + d.Problem
                    : string.Join(' ', d.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.####}")));
                await output.WriteLineAsync($"{d.Id}\t{d.Version}\t{d.Task}\t{d.ClassCount}\t{(d.Enabled ? "yes" : "no")}\t{Origin(d.Origin)}\t{metrics}").ConfigureAwait(false);
            }
        });

    /// <summary>
    /// <c>cseg decoders install FILE --model DIR --catalogue CSV [--trusted-key PEM]... [--require-signature]
    /// [--replace | --upgrade] [--disabled] [--max-bytes N] [--config FILE]</c>.
    /// </summary>
    public Task<int> InstallAsync(DecoderInstallRequest request, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            InstalledDecoder? installed = null;
            await ChangeAsync("installed", async ct =>
            {
                installed = await service.InstallAsync(request, ct).ConfigureAwait(false);
                return new DecoderChange(installed.Id, $"version {installed.Version} from {Path.GetFileName(request.PackagePath)} into {Path.GetFullPath(request.ModelDirectory)}{(installed.Enabled ? string.Empty : ", disabled")}");
            }, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"installed decoder {installed!.Id} {installed.Version} ({installed.Task}, {installed.ClassCount} classes), {(installed.Enabled ? "enabled" : "disabled")}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders enable ID --model DIR [--config FILE]</c>.</summary>
    public Task<int> EnableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await ChangeAsync("enabled", async ct =>
            {
                await service.Open(modelDirectory).EnableAsync(id, ct).ConfigureAwait(false);
                return new DecoderChange(id, Path.GetFullPath(modelDirectory));
            }, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"enabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders disable ID --model DIR [--config FILE]</c>.</summary>
    public Task<int> DisableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await ChangeAsync("disabled", async ct =>
            {
                await service.Open(modelDirectory).DisableAsync(id, ct).ConfigureAwait(false);
                return new DecoderChange(id, Path.GetFullPath(modelDirectory));
            }, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"disabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders remove ID --model DIR [--config FILE]</c>.</summary>
    public Task<int> RemoveAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await ChangeAsync("removed", async ct =>
            {
                await service.Open(modelDirectory).RemoveAsync(id, ct).ConfigureAwait(false);
                return new DecoderChange(id, Path.GetFullPath(modelDirectory));
            }, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"removed decoder {id}").ConfigureAwait(false);
        });

    /// <summary>
    /// <c>cseg decoders export ID --model DIR --out FILE [--sign-key PEM] [--version V] [--dataset NAME --cases N
    /// [--seed S] [--trained-at T]] [--catalogue CSV] [--config FILE]</c>.
    /// </summary>
    public async Task<int> ExportAsync(DecoderExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Dataset is null) != (request.Cases is null))
        {
            await error.WriteLineAsync("cseg decoders export: --dataset and --cases go together (the provenance of a decoder whose model did not record it)").ConfigureAwait(false);
            return CsegApp.BadUsage;
        }

        return await RunAsync(async () =>
        {
            BuiltDecoderPackage? built = null;
            await ChangeAsync("exported", async ct =>
            {
                built = await service.ExportAsync(request, ct).ConfigureAwait(false);
                return new DecoderChange(built.Manifest.Id, $"version {built.Manifest.Version} to {built.Path}");
            }, cancellationToken).ConfigureAwait(false);
            var m = built!.Manifest;
            var p = m.Provenance;
            await output.WriteLineAsync($"wrote {built.Path}: decoder {m.Id} {m.Version} ({m.Task}, {m.Classes.Count} classes), trained on {p.Dataset} ({p.Cases} cases), {(built.SignerKeyId is null ? "unsigned" : "signed by key " + built.SignerKeyId)}").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static string Origin(DecoderOrigin origin) => origin == DecoderOrigin.Model ? "model" : "package";

    private Task<DecoderChange> ChangeAsync(string action, Func<CancellationToken, Task<DecoderChange>> change, CancellationToken cancellationToken) =>
        recorder is null ? change(cancellationToken) : recorder.RecordAsync(action, Actor, change, cancellationToken);

    private static string Describe(VerifiedDecoderPackage verified) => verified.Signature switch
    {
        SignatureStatus.Verified => $"verified (key {verified.SignerKeyId})",
        SignatureStatus.NotChecked => "present but not checked (no trusted keys given)",
        _ => "none",
    };

    private async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return ExitOk;
        }
        catch (DecoderPackageException ex)
        {
            var hint = ex.Reason == DecoderPackageRefusal.ProvenanceUnknown ? " (--dataset NAME --cases N)" : string.Empty;
            await error.WriteLineAsync($"refused ({ex.Reason}): {ex.Message}{hint}").ConfigureAwait(false);
            return ExitRefused;
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync($"cseg decoders: {ex.Message}").ConfigureAwait(false);
            return ExitRefused;
        }
        catch (DecoderEventException ex)
        {
            await error.WriteLineAsync($"cseg decoders: {ex.Message}").ConfigureAwait(false);
            return CsegApp.Failure;
        }
    }
}
