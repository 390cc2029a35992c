using System.CommandLine;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg package</c>: builds, signs and verifies decoder packages.</summary>
public static class PackageCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var manifest = new Option<string>("--manifest") { Description = "Manifest template (manifest.json without the files list).", Required = true };
        var files = new Option<string[]>("--file") { Description = "A payload file as PATH=SOURCE (repeatable).", AllowMultipleArgumentsPerToken = false };
        var dir = new Option<string?>("--dir") { Description = "Add every file under this directory at its relative path." };
        var outFile = new Option<string>("--out") { Description = "The package (.zip) to write.", Required = true };
        var signKey = new Option<string?>("--sign-key") { Description = "Private key (PEM, ECDSA P-256) to sign the manifest with." };
        var command = new Command("package", "Build a decoder package: manifest, payload files with SHA-256, optional signature.")
        {
            manifest, files, dir, outFile, signKey,
        };
        command.SetAction((parse, ct) => new DecoderPackageCommands(output, error).PackageAsync(
            parse.GetValue(manifest)!, parse.GetValue(files) ?? [], parse.GetValue(dir), parse.GetValue(outFile)!, parse.GetValue(signKey), ct));

        var privateKey = new Option<string>("--private") { Description = "Where to write the private key (PEM, mode 0600).", Required = true };
        var publicKey = new Option<string>("--public") { Description = "Where to write the public key (PEM).", Required = true };
        var keygen = new Command("keygen", "Make a signing key pair.") { privateKey, publicKey };
        keygen.SetAction((parse, ct) => new DecoderPackageCommands(output, error).KeygenAsync(parse.GetValue(privateKey)!, parse.GetValue(publicKey)!, ct));
        command.Subcommands.Add(keygen);

        var package = new Argument<string>("PACKAGE") { Description = "The package to check." };
        var trusted = TrustedKeys();
        var require = RequireSignature();
        var verify = new Command("verify", "Check a package's checksums and signature without installing it.") { package, trusted, require };
        verify.SetAction((parse, ct) => new DecoderPackageCommands(output, error).VerifyAsync(parse.GetValue(package)!, parse.GetValue(trusted) ?? [], parse.GetValue(require), ct));
        command.Subcommands.Add(verify);
        return command;
    }

    internal static Option<string[]> TrustedKeys() => new("--trusted-key") { Description = "A trusted public key (PEM file; repeatable)." };

    internal static Option<bool> RequireSignature() => new("--require-signature") { Description = "Refuse packages that are not signed by a trusted key." };
}
