using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using ContinualSegment.Cli.DicomTools;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg dicom …</c>: DICOM field tools.</summary>
public static class DicomCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("dicom", "DICOM field tools: dump, echo, send, listen, find, move.");
        command.Subcommands.Add(Dump(output));
        command.Subcommands.Add(Echo(output, error));
        command.Subcommands.Add(Send(output, error));
        command.Subcommands.Add(Listen(output, error));
        command.Subcommands.Add(Find(output, error));
        command.Subcommands.Add(Move(output, error));
        return command;
    }

    // TLS material is loaded once before the tool runs, so a missing or unusable file is a one-line error on stderr.
    private static async Task<int> RunAsync(TextWriter error, DicomTlsOptions? tls, bool isServer, Func<Task<int>> run)
    {
        if (tls is not null)
        {
            try
            {
                using var check = DicomTlsContext.Create(tls, isServer);
            }
            catch (DicomTlsConfigurationException ex)
            {
                await error.WriteLineAsync($"cseg: {ex.Message}").ConfigureAwait(false);
                return CsegApp.Failure;
            }
        }

        return await run().ConfigureAwait(false);
    }

    /// <summary>The DICOM TLS options shared by the network tools (client or server flavour).</summary>
    private sealed record TlsOptions(
        Option<bool> Enable,
        Option<string?> Certificate,
        Option<string?> Key,
        Option<string?> Thumbprint,
        Option<string?> Subject,
        Option<string?> TrustedCa,
        Option<string[]> Crl,
        Option<string> Profile,
        Option<string?>? ServerName,
        Option<bool>? RequireClientCertificate)
    {
        public static TlsOptions Create(bool server) => new(
            new Option<bool>("--tls") { Description = "Use DICOM TLS (TLS 1.2/1.3, BCP 195 profiles)." },
            new Option<string?>("--tls-cert") { Description = "PEM file with our certificate (and any intermediate CA certificates)." },
            new Option<string?>("--tls-key") { Description = "PEM file with the certificate's unencrypted private key (default: inside --tls-cert)." },
            new Option<string?>("--tls-cert-thumbprint") { Description = "Use our certificate from the OS store (current user, 'My') by SHA-1 thumbprint." },
            new Option<string?>("--tls-cert-subject") { Description = "Use our certificate from the OS store (current user, 'My') by subject." },
            new Option<string?>("--tls-ca") { Description = "PEM file of the CA certificates trusted to sign the peer's certificate (default: the system's roots)." },
            new Option<string[]>("--tls-crl") { Description = "CRL file (PEM or DER) signed by a CA of --tls-ca; peer certificates it lists are refused. Repeatable." },
            new Option<string>("--tls-profile") { Description = "Secure transport profile: bcp195-nd (non-downgrading), bcp195, bcp195-ex (extended).", DefaultValueFactory = _ => "bcp195-nd" }
                .AcceptOnlyFromAmong("bcp195-nd", "bcp195", "bcp195-ex"),
            server ? null : new Option<string?>("--tls-server-name") { Description = "Name the peer's certificate must carry (default: HOST)." },
            server ? new Option<bool>("--tls-require-client-cert") { Description = "Refuse peers that present no trusted certificate (default: verify one when presented)." } : null);

        private IEnumerable<Option> Dependent => new Option?[] { Certificate, Key, Thumbprint, Subject, TrustedCa, Crl, Profile, ServerName, RequireClientCertificate }.OfType<Option>();

        public void AddTo(Command command)
        {
            command.Options.Add(Enable);
            foreach (var option in Dependent)
            {
                command.Options.Add(option);
            }

            command.Validators.Add(result =>
            {
                if (result.GetValue(Enable))
                {
                    return;
                }

                var given = Dependent.FirstOrDefault(o => result.GetResult(o) is OptionResult { Implicit: false });
                if (given is not null)
                {
                    result.AddError($"{given.Name} needs --tls");
                }
            });
        }

        public DicomTlsOptions? Build(ParseResult parse) => !parse.GetValue(Enable) ? null : new DicomTlsOptions
        {
            Profile = parse.GetValue(Profile) switch
            {
                "bcp195" => DicomTlsProfile.Bcp195,
                "bcp195-ex" => DicomTlsProfile.Bcp195Extended,
                _ => DicomTlsProfile.Bcp195NonDowngrading,
            },
            CertificateFile = FullPath(parse.GetValue(Certificate)),
            PrivateKeyFile = FullPath(parse.GetValue(Key)),
            StoreThumbprint = parse.GetValue(Thumbprint),
            StoreSubject = parse.GetValue(Subject),
            TrustedCaFile = FullPath(parse.GetValue(TrustedCa)),
            CrlFiles = [.. (parse.GetValue(Crl) ?? []).Select(Path.GetFullPath)],
            ServerName = ServerName is null ? null : parse.GetValue(ServerName),
            ClientCertificates = RequireClientCertificate is not null && parse.GetValue(RequireClientCertificate)
                ? DicomTlsClientCertificateMode.Required
                : DicomTlsClientCertificateMode.Optional,
        };

        private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);
    }

    private sealed record PeerOptions(
        Argument<string> Host, Argument<int> Port, Option<string> Aet, Option<string> Aec, Option<string?> User, Option<string?> Password, Option<int> Timeout, TlsOptions Tls)
    {
        public static PeerOptions Create() => new(
            new Argument<string>("HOST") { Description = "The peer's host name or address." },
            new Argument<int>("PORT") { Description = "The peer's port." },
            new Option<string>("--aet") { Description = "Our (calling) AE title.", DefaultValueFactory = _ => "CSEG" },
            new Option<string>("--aec") { Description = "The peer's (called) AE title.", DefaultValueFactory = _ => "ANY-SCP" },
            new Option<string?>("--user") { Description = "User identity: user name." },
            new Option<string?>("--password") { Description = "User identity: passcode (needs --user)." },
            new Option<int>("--timeout") { Description = "DIMSE timeout in seconds.", DefaultValueFactory = _ => 60 },
            TlsOptions.Create(server: false));

        public void AddTo(Command command)
        {
            command.Arguments.Add(Host);
            command.Arguments.Add(Port);
            command.Options.Add(Aet);
            command.Options.Add(Aec);
            command.Options.Add(User);
            command.Options.Add(Password);
            command.Options.Add(Timeout);
            Tls.AddTo(command);
        }

        public T Apply<T>(ParseResult parse, T options)
            where T : NetworkToolOptions => options with
            {
                Host = parse.GetValue(Host)!,
                Port = parse.GetValue(Port),
                CallingAeTitle = parse.GetValue(Aet)!,
                CalledAeTitle = parse.GetValue(Aec)!,
                UserName = parse.GetValue(User),
                Password = parse.GetValue(Password),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
                Tls = Tls.Build(parse),
            };

        public async Task<int> RunAsync<T>(ParseResult parse, T options, TextWriter error, Func<T, Task<int>> tool)
            where T : NetworkToolOptions
        {
            var applied = Apply(parse, options);
            return await DicomCommand.RunAsync(error, applied.Tls, isServer: false, () => tool(applied)).ConfigureAwait(false);
        }
    }

    private static Command Echo(TextWriter output, TextWriter error)
    {
        var peer = PeerOptions.Create();
        var repeat = new Option<int>("--repeat") { Description = "Number of C-ECHO requests on one association.", DefaultValueFactory = _ => 1 };
        var command = new Command("echo", "Verify a peer with C-ECHO.") { repeat };
        peer.AddTo(command);
        command.SetAction((parse, ct) => peer.RunAsync(
            parse, new EchoToolOptions { Host = string.Empty, Port = 0, Repeat = parse.GetValue(repeat) }, error, o => EchoTool.RunAsync(o, output, ct)));
        return command;
    }

    private static Command Send(TextWriter output, TextWriter error)
    {
        var peer = PeerOptions.Create();
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (searched recursively) to send.", Arity = ArgumentArity.OneOrMore };
        var retries = new Option<int>("--retries") { Description = "Extra attempts per instance after a failure status.", DefaultValueFactory = _ => 0 };
        var command = new Command("send", "Send DICOM files by C-STORE over one association.") { retries };
        peer.AddTo(command);
        command.Arguments.Add(paths);
        command.SetAction((parse, ct) => peer.RunAsync(
            parse,
            new SendToolOptions { Host = string.Empty, Port = 0, Paths = parse.GetValue(paths)!, MaxAttempts = 1 + Math.Max(0, parse.GetValue(retries)) },
            error,
            o => SendTool.RunAsync(o, output, ct)));
        return command;
    }

    private static Command Listen(TextWriter output, TextWriter error)
    {
        var aet = new Option<string>("--aet") { Description = "Our AE title (called AE title that is accepted).", Required = true };
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0: any free port).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory that receives every instance as <SOPInstanceUID>.dcm.", Required = true };
        var fsync = new Option<bool>("--fsync") { Description = "Flush every file to disk before answering success." };
        var bind = new Option<string>("--bind") { Description = "Address to bind.", DefaultValueFactory = _ => "0.0.0.0" };
        var max = new Option<int>("--max-associations") { Description = "Concurrent associations.", DefaultValueFactory = _ => 16 };
        var acceptTs = new Option<string[]>("--accept-ts")
        {
            Description = "Transfer syntax UID to accept, in our order of preference (repeatable; default: every syntax we can decode, the sender's first proposed one wins).",
        };
        var tls = TlsOptions.Create(server: true);
        var command = new Command("listen", "Run a bare storage SCP that writes every received instance under a directory (until Ctrl-C).")
        {
            aet, port, outDir, fsync, bind, max, acceptTs,
        };
        tls.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new InvalidDataException($"--bind: '{parse.GetValue(bind)}' is not an IP address");
            }

            var options = new ListenToolOptions
            {
                AeTitle = parse.GetValue(aet)!,
                Port = parse.GetValue(port),
                OutputDirectory = Path.GetFullPath(parse.GetValue(outDir)!),
                Fsync = parse.GetValue(fsync),
                BindAddress = address,
                MaxAssociations = parse.GetValue(max),
                Tls = tls.Build(parse),
                TransferSyntaxes = parse.GetValue(acceptTs) ?? [],
            };
            return await RunAsync(error, options.Tls, isServer: true, () => ListenTool.RunAsync(options, output, ct)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Find(TextWriter output, TextWriter error)
    {
        var peer = PeerOptions.Create();
        var worklist = new Option<bool>("--worklist") { Description = "Query the Modality Worklist (default)." };
        var study = new Option<bool>("--study") { Description = "Query Study Root." };
        var level = new Option<string>("--level") { Description = "Query level for Study Root: STUDY, SERIES or IMAGE.", DefaultValueFactory = _ => "STUDY" };
        var keys = new Option<string[]>("-k", "--key") { Description = "A matching or return key, Keyword=Value or gggg,eeee=Value (repeatable)." };
        var command = new Command("find", "Query a peer with C-FIND (Modality Worklist or Study Root).") { worklist, study, level, keys };
        peer.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(worklist) && parse.GetValue(study))
            {
                throw new InvalidDataException("--worklist and --study exclude each other");
            }

            var options = new FindToolOptions
            {
                Host = string.Empty,
                Port = 0,
                Model = parse.GetValue(study) ? FindModel.StudyRoot : FindModel.Worklist,
                Level = parse.GetValue(level)!,
                Keys = parse.GetValue(keys) ?? [],
            };
            return await peer.RunAsync(parse, options, error, o => FindTool.RunAsync(o, output, ct)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Move(TextWriter output, TextWriter error)
    {
        var peer = PeerOptions.Create();
        var dest = new Option<string>("--dest") { Description = "AE title the peer sends the instances to.", Required = true };
        var level = new Option<string>("--level") { Description = "STUDY, SERIES or IMAGE.", DefaultValueFactory = _ => "STUDY" };
        var keys = new Option<string[]>("-k", "--key") { Description = "Identifier keys, e.g. StudyInstanceUID=1.2.3 (repeatable)." };
        var command = new Command("move", "Ask a peer to send instances to an AE title with C-MOVE (Study Root).") { dest, level, keys };
        peer.AddTo(command);
        command.SetAction((parse, ct) => peer.RunAsync(
            parse,
            new MoveToolOptions { Host = string.Empty, Port = 0, Destination = parse.GetValue(dest)!, Level = parse.GetValue(level)!, Keys = parse.GetValue(keys) ?? [] },
            error,
            o => MoveTool.RunAsync(o, output, ct)));
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

            var options = parse.GetValue(header) ? new DicomReadOptions { StopBeforeTag = DicomTags.PixelData } : null;
            var dicom = await DicomFile.OpenAsync(path, options, cancellationToken).ConfigureAwait(false);
            DicomDumper.Dump(dicom, output, parse.GetValue(full) ? 0 : 64);
            return CsegApp.Success;
        });
        return command;
    }
}
