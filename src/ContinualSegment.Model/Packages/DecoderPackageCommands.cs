using System.Globalization;
using System.Text;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// The work behind <c>cseg package</c> and <c>cseg decoders list|install|enable|disable|remove</c>:
/// each method writes a human-readable result to the output writer, a refusal as
/// <c>refused (Reason): message</c> to the error writer, and returns the exit code
/// (<see cref="ExitOk"/> or <see cref="ExitRefused"/>). Other errors (missing files, I/O) propagate.
/// </summary>
public sealed class DecoderPackageCommands
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code for a refused package or an unknown decoder (cseg's general failure code).</summary>
    public const int ExitRefused = 1;

    private readonly TextWriter output;
    private readonly TextWriter error;

    /// <summary>Creates the commands writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public DecoderPackageCommands(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        this.output = output;
        this.error = error;
    }

    /// <summary>
    /// <c>cseg package --manifest FILE (--file PATH=SOURCE)... [--dir DIR] --out FILE [--sign-key PEM]</c>:
    /// builds a package from a manifest template (no files list needed), explicit payload files and/or
    /// every file under a directory (kept at its relative path).
    /// </summary>
    public async Task<int> PackageAsync(
        string manifestPath,
        IReadOnlyList<string> fileSpecs,
        string? payloadDirectory,
        string outputPath,
        string? signingKeyPath,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        ArgumentNullException.ThrowIfNull(fileSpecs);
        return await RunAsync(async () =>
        {
            var manifest = DecoderManifest.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false));
            var payload = new List<PackagePayload>();
            foreach (var spec in fileSpecs)
            {
                var eq = spec.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == spec.Length - 1)
                {
                    throw new ArgumentException($"'{spec}' is not PATH=SOURCE");
                }

                payload.Add(new PackagePayload(spec[..eq], spec[(eq + 1)..]));
            }

            if (payloadDirectory is not null)
            {
                payload.AddRange(FromDirectory(payloadDirectory));
            }

            var key = signingKeyPath is null ? null : await File.ReadAllTextAsync(signingKeyPath, cancellationToken).ConfigureAwait(false);
            var written = await DecoderPackageBuilder.BuildAsync(manifest, payload, outputPath, key, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"wrote {outputPath}: decoder {written.Id} {written.Version}, {written.Files.Count} file(s), {written.Files.Sum(f => f.Size)} bytes, {(key is null ? "unsigned" : "signed by key " + PackageSigningKeys.KeyId(key))}").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary><c>cseg package keygen --private FILE --public FILE</c>: writes a new P-256 key pair.</summary>
    public async Task<int> KeygenAsync(string privateKeyPath, string publicKeyPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPath);
        ArgumentException.ThrowIfNullOrEmpty(publicKeyPath);
        var (privatePem, publicPem) = PackageSigningKeys.Create();
        await using (var stream = new FileStream(privateKeyPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(privatePem + "\n"), cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(publicKeyPath, publicPem + "\n", cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"key id {PackageSigningKeys.KeyId(publicPem)}: private key {privateKeyPath}, public key {publicKeyPath}").ConfigureAwait(false);
        return ExitOk;
    }

    /// <summary><c>cseg package verify FILE [--trusted-key FILE]... [--require-signature]</c>.</summary>
    public async Task<int> VerifyAsync(string packagePath, IReadOnlyList<string> trustedKeyFiles, bool requireSignature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trustedKeyFiles);
        return await RunAsync(async () =>
        {
            var reader = new DecoderPackageReader(await ReaderOptionsAsync(trustedKeyFiles, requireSignature, null, cancellationToken).ConfigureAwait(false));
            var verified = await reader.VerifyAsync(packagePath, cancellationToken).ConfigureAwait(false);
            var m = verified.Manifest;
            await output.WriteLineAsync($"ok: decoder {m.Id} {m.Version}, task {m.Task}, {m.Classes.Count} classes, {m.Files.Count} file(s), signature {Describe(verified)}").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary><c>cseg decoders list --model DIR</c>: one line per installed decoder.</summary>
    public async Task<int> ListAsync(string modelDirectory, CancellationToken cancellationToken)
    {
        var decoders = await new ModelDirectory(modelDirectory).ListAsync(cancellationToken).ConfigureAwait(false);
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
    public async Task<int> InstallAsync(DecoderInstallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await RunAsync(async () =>
        {
            var options = new DecoderInstallOptions
            {
                Catalogue = await CatalogueCsv.LoadAsync(request.CataloguePath, cancellationToken).ConfigureAwait(false),
                Reader = await ReaderOptionsAsync(request.TrustedKeyFiles, request.RequireSignature, request.MaxBytes, cancellationToken).ConfigureAwait(false),
                Replace = request.Replace,
                Upgrade = request.Upgrade,
                Enable = !request.Disabled,
            };
            var installed = await new ModelDirectory(request.ModelDirectory).InstallAsync(request.PackagePath, options, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"installed decoder {installed.Id} {installed.Version} ({installed.Task}, {installed.ClassCount} classes), {(installed.Enabled ? "enabled" : "disabled")}").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary><c>cseg decoders enable ID --model DIR</c>.</summary>
    public Task<int> EnableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await new ModelDirectory(modelDirectory).EnableAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"enabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders disable ID --model DIR</c>.</summary>
    public Task<int> DisableAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await new ModelDirectory(modelDirectory).DisableAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"disabled decoder {id}").ConfigureAwait(false);
        });

    /// <summary><c>cseg decoders remove ID --model DIR</c>.</summary>
    public Task<int> RemoveAsync(string modelDirectory, string id, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await new ModelDirectory(modelDirectory).RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"removed decoder {id}").ConfigureAwait(false);
        });

    /// <summary>Every file under <paramref name="directory"/> as payload at its relative path (forward slashes).</summary>
    public static IReadOnlyList<PackagePayload> FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => new PackagePayload(Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), f))
            .OrderBy(p => p.PackagePath, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<DecoderPackageReaderOptions> ReaderOptionsAsync(IReadOnlyList<string> trustedKeyFiles, bool requireSignature, long? maxBytes, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        foreach (var file in trustedKeyFiles)
        {
            keys.Add(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }

        var defaults = new DecoderPackageReaderOptions();
        return new DecoderPackageReaderOptions
        {
            TrustedPublicKeys = keys,
            SignaturePolicy = requireSignature ? SignaturePolicy.Required : SignaturePolicy.Optional,
            MaxTotalBytes = maxBytes ?? defaults.MaxTotalBytes,
        };
    }

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
