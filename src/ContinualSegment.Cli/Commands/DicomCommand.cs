using System.CommandLine;
using System.Net;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg dicom …</c>: DICOM field tools.</summary>
public static class DicomCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("dicom", "DICOM field tools: dump, echo, send, listen, find, move.");
        command.Subcommands.Add(Dump(output));
        command.Subcommands.Add(Echo(output));
        command.Subcommands.Add(Send(output));
        command.Subcommands.Add(Listen(output));
        command.Subcommands.Add(Find(output));
        command.Subcommands.Add(Move(output));
        return command;
    }

    // The network tools answer 2 when they cannot connect; for cseg, 2 means bad usage only.
    private static int ExitCode(int toolCode) => toolCode == 0 ? CsegApp.Success : CsegApp.Failure;

    private sealed record PeerOptions(
        Argument<string> Host, Argument<int> Port, Option<string> Aet, Option<string> Aec, Option<string?> User, Option<string?> Password, Option<int> Timeout)
    {
        public static PeerOptions Create() => new(
            new Argument<string>("HOST") { Description = "The peer's host name or address." },
            new Argument<int>("PORT") { Description = "The peer's port." },
            new Option<string>("--aet") { Description = "Our (calling) AE title.", DefaultValueFactory = _ => "CSEG" },
            new Option<string>("--aec") { Description = "The peer's (called) AE title.", DefaultValueFactory = _ => "ANY-SCP" },
            new Option<string?>("--user") { Description = "User identity: user name." },
            new Option<string?>("--password") { Description = "User identity: passcode (needs --user)." },
            new Option<int>("--timeout") { Description = "DIMSE timeout in seconds.", DefaultValueFactory = _ => 60 });

        public void AddTo(Command command)
        {
            command.Arguments.Add(Host);
            command.Arguments.Add(Port);
            command.Options.Add(Aet);
            command.Options.Add(Aec);
            command.Options.Add(User);
            command.Options.Add(Password);
            command.Options.Add(Timeout);
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
            };
    }

    private static Command Echo(TextWriter output)
    {
        var peer = PeerOptions.Create();
        var repeat = new Option<int>("--repeat") { Description = "Number of C-ECHO requests on one association.", DefaultValueFactory = _ => 1 };
        var command = new Command("echo", "Verify a peer with C-ECHO.") { repeat };
        peer.AddTo(command);
        command.SetAction(async (parse, ct) => ExitCode(await EchoTool.RunAsync(
            peer.Apply(parse, new EchoToolOptions { Host = string.Empty, Port = 0, Repeat = parse.GetValue(repeat) }), output, ct).ConfigureAwait(false)));
        return command;
    }

    private static Command Send(TextWriter output)
    {
        var peer = PeerOptions.Create();
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (searched recursively) to send.", Arity = ArgumentArity.OneOrMore };
        var retries = new Option<int>("--retries") { Description = "Extra attempts per instance after a failure status.", DefaultValueFactory = _ => 0 };
        var command = new Command("send", "Send DICOM files by C-STORE over one association.") { retries };
        peer.AddTo(command);
        command.Arguments.Add(paths);
        command.SetAction(async (parse, ct) => ExitCode(await SendTool.RunAsync(
            peer.Apply(parse, new SendToolOptions { Host = string.Empty, Port = 0, Paths = parse.GetValue(paths)!, MaxAttempts = 1 + Math.Max(0, parse.GetValue(retries)) }), output, ct).ConfigureAwait(false)));
        return command;
    }

    private static Command Listen(TextWriter output)
    {
        var aet = new Option<string>("--aet") { Description = "Our AE title (called AE title that is accepted).", Required = true };
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0: any free port).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory that receives every instance as <SOPInstanceUID>.dcm.", Required = true };
        var fsync = new Option<bool>("--fsync") { Description = "Flush every file to disk before answering success." };
        var bind = new Option<string>("--bind") { Description = "Address to bind.", DefaultValueFactory = _ => "0.0.0.0" };
        var max = new Option<int>("--max-associations") { Description = "Concurrent associations.", DefaultValueFactory = _ => 16 };
        var command = new Command("listen", "Run a bare storage SCP that writes every received instance under a directory (until Ctrl-C).")
        {
            aet, port, outDir, fsync, bind, max,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new InvalidDataException($"--bind: '{parse.GetValue(bind)}' is not an IP address");
            }

            return ExitCode(await ListenTool.RunAsync(
                new ListenToolOptions
                {
                    AeTitle = parse.GetValue(aet)!,
                    Port = parse.GetValue(port),
                    OutputDirectory = Path.GetFullPath(parse.GetValue(outDir)!),
                    Fsync = parse.GetValue(fsync),
                    BindAddress = address,
                    MaxAssociations = parse.GetValue(max),
                },
                output,
                ct).ConfigureAwait(false));
        });
        return command;
    }

    private static Command Find(TextWriter output)
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

            return ExitCode(await FindTool.RunAsync(
                peer.Apply(parse, new FindToolOptions
                {
                    Host = string.Empty,
                    Port = 0,
                    Model = parse.GetValue(study) ? FindModel.StudyRoot : FindModel.Worklist,
                    Level = parse.GetValue(level)!,
                    Keys = parse.GetValue(keys) ?? [],
                }),
                output,
                ct).ConfigureAwait(false));
        });
        return command;
    }

    private static Command Move(TextWriter output)
    {
        var peer = PeerOptions.Create();
        var dest = new Option<string>("--dest") { Description = "AE title the peer sends the instances to.", Required = true };
        var level = new Option<string>("--level") { Description = "STUDY, SERIES or IMAGE.", DefaultValueFactory = _ => "STUDY" };
        var keys = new Option<string[]>("-k", "--key") { Description = "Identifier keys, e.g. StudyInstanceUID=1.2.3 (repeatable)." };
        var command = new Command("move", "Ask a peer to send instances to an AE title with C-MOVE (Study Root).") { dest, level, keys };
        peer.AddTo(command);
        command.SetAction(async (parse, ct) => ExitCode(await MoveTool.RunAsync(
            peer.Apply(parse, new MoveToolOptions { Host = string.Empty, Port = 0, Destination = parse.GetValue(dest)!, Level = parse.GetValue(level)!, Keys = parse.GetValue(keys) ?? [] }),
            output,
            ct).ConfigureAwait(false)));
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
