using System.Globalization;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// The text side of <c>cseg package</c> and <c>cseg decoders list|install|enable|disable|remove</c>: each method
/// calls <see cref="DecoderPackageService"/> or <see cref="ModelDirectory"/>, writes a human-readable result to the
/// output writer, a refusal as <c>refused (Reason): message</c> to the error writer, and returns the exit code
/// (<see cref="ExitOk"/> or <see cref="ExitRefused"/>). Other errors (missing files, I/O) propagate.
/// </summary>
public sealed class DecoderPackageCommands
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = CsegApp.Success;

    /// <summary>Exit code for a refused package or an unknown decoder (cseg's general failure code).</summary>
    public const int ExitRefused = CsegApp.Failure;

    private readonly TextWriter output;
    private readonly TextWriter error;
    private readonly DecoderPackageService service;

    /// <summary>Creates the commands writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public DecoderPackageCommands(TextWriter output, TextWriter error, DecoderPackageService? service = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        this.output = output;
        this.error = error;
        this.service = service ?? new DecoderPackageService();
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

    /// <summary><c>cseg decoders list --model DIR</c>: one line per installed decoder.</summary>
    public async Task<int> ListAsync(string modelDirectory, CancellationToken cancellationToken)
    {
        var decoders = await service.Open(modelDirectory).ListAsync(cancellationToken).ConfigureAwait(false);
        if (decoders.Count == 0)
        {
            await output.WriteLineAsync("no decoders installed").ConfigureAwait(false);
            return ExitOk;
        }

        await output.WriteLineAsync("id\tversion\ttask\tclasses\tenabled\tmetrics").ConfigureAwait(false);
        foreach (var d in decoders)
        {
            var metrics = d.Problem is not null
                ? "PROBLEM: " + d.Problem
                : string.Join(' ', d.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.####}")));
            await output.WriteLineAsync($"{d.Id}\t{d.Version}\t{d.Task}\t{d.ClassCount}\t{(d.Enabled ? "yes" : "no")}\t{metrics}").ConfigureAwait(false);
        }

        return ExitOk;
    }

    /// <summary>
    /// <c>cseg decoders install FILE --model DIR --catalogue CSV [--trusted-key PEM]... [--require-signature]
    /// [--replace | --upgrade] [--disabled] [--max-bytes N]</c>.
    /// </summary>
    public Task<int> InstallAsync(DecoderInstallRequest request, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            var installed = await service.InstallAsync(request, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"installed decoder {installed.Id} {installed.Version} ({installed.Task}, {installed.ClassCount} classes), {(installed.Enabled ? "enabled" : "disabled")}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders enable ID --model DIR</c>.</summary>
    public Task<int> EnableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await service.Open(modelDirectory).EnableAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"enabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders disable ID --model DIR</c>.</summary>
    public Task<int> DisableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await service.Open(modelDirectory).DisableAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"disabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders remove ID --model DIR</c>.</summary>
    public Task<int> RemoveAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await service.Open(modelDirectory).RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"removed decoder {id}").ConfigureAwait(false);
        });

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
            await error.WriteLineAsync($"refused ({ex.Reason}): {ex.Message}").ConfigureAwait(false);
            return ExitRefused;
        }
    }
}
