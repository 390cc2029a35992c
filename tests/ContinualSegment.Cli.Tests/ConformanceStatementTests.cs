using System.Net;
using System.Text.RegularExpressions;
using ContinualSegment.Cli.Tests.Serve;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Ingest;

namespace ContinualSegment.Cli.Tests;

/// <summary>
/// conformance/ConformanceStatement.md kept true: its tables of SOP classes and transfer syntaxes are compared, both
/// ways, with what the node's acceptor accepts (asked with real association requests) and what the SCU proposes.
/// </summary>
public sealed partial class ConformanceStatementTests
{
    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    private const string Node = "CSEG";

    private static readonly string Statement = File.ReadAllText(Path.Combine(ServeProcess.RepositoryRoot(), "conformance", "ConformanceStatement.md"));

    [Fact]
    public async Task Every_SOP_class_the_node_accepts_is_listed_and_every_listed_one_is_accepted()
    {
        var always = Table("Table 2.1-1: SOP classes accepted (SCP)").Where(r => r.Cells[3] == "always").Select(r => r.Uid).ToHashSet();
        var annex = Table("Table A-1: Storage SOP classes accepted (SCP)").Select(r => r.Uid).ToHashSet();
        var listed = always.Union(annex).ToHashSet();
        var candidates = DicomUids.All.Where(u => u.Kind == "SOP Class" || u.Kind == "Meta SOP Class").Select(u => u.Uid).Union(listed).Append("1.2.826.0.1.3680043.10.1089.1").ToList();

        var accepted = await AcceptedAbstractSyntaxesAsync(new IngestOptions(), candidates);
        var kept = await AcceptedAbstractSyntaxesAsync(new IngestOptions { StoreOtherStorageClasses = false }, candidates);

        Assert.Equal(3, always.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal), accepted.Order(StringComparer.Ordinal));
        Assert.Equal(always.Order(StringComparer.Ordinal), kept.Order(StringComparer.Ordinal));
        Assert.Equal(annex.Count, Table("Table A-1: Storage SOP classes accepted (SCP)").Count);
    }

    [Fact]
    public async Task Every_storage_transfer_syntax_the_node_accepts_is_listed_and_every_listed_one_is_accepted()
    {
        var listed = Table("Table 2.1-2: Transfer syntaxes accepted for storage (SCP)").Select(r => r.Uid).ToList();
        var verification = Table("Table 2.1-3: Transfer syntaxes accepted for Verification (SCP)").Select(r => r.Uid).ToList();
        var candidates = DicomUids.All.Where(u => u.Kind == "Transfer Syntax").Select(u => u.Uid).Union(listed).ToList();

        var storage = await AcceptedTransferSyntaxesAsync(CtImage, candidates);
        var echo = await AcceptedTransferSyntaxesAsync(DicomUids.Verification, candidates);

        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(listed.Order(StringComparer.Ordinal), storage.Order(StringComparer.Ordinal));
        Assert.Equal(verification.Order(StringComparer.Ordinal), echo.Order(StringComparer.Ordinal));
        Assert.Equal(listed.Order(StringComparer.Ordinal), DicomAcceptancePolicies.DefaultStorageTransferSyntaxes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_SCU_proposes_exactly_the_listed_SOP_classes_and_transfer_syntaxes()
    {
        var sopClasses = Table("Table 2.2-1: SOP classes proposed (SCU)").Select(r => r.Uid).ToHashSet();
        var syntaxes = Table("Table 2.2-2: Transfer syntaxes proposed (SCU)").Select(r => r.Uid).ToList();
        string[] used =
        [
            DicomUids.Verification,
            SegmentationWriter.SegmentationStorage,
            RtStructBuilder.SopClassUid,
            DicomQueryRetrieveUids.ModalityWorklistFind,
            DicomQueryRetrieveUids.StudyRootFind,
            DicomQueryRetrieveUids.StudyRootMove,
        ];

        var uncompressed = DicomClient.ProposeContexts([(SegmentationWriter.SegmentationStorage, DicomUids.ExplicitVRLittleEndian), (RtStructBuilder.SopClassUid, DicomUids.ImplicitVRLittleEndian)]);
        var compressed = DicomClient.ProposeContexts([(CtImage, DicomUids.JPEG2000Lossless)]);
        var query = DicomClient.ProposeContexts(DicomQueryRetrieveUids.StudyRootFind);

        Assert.Equal(used.Order(StringComparer.Ordinal), sopClasses.Order(StringComparer.Ordinal));
        Assert.All(uncompressed.Concat(query), c => Assert.Equal(syntaxes, c.TransferSyntaxes));
        Assert.Equal(2, uncompressed.Count);
        Assert.Equal(2, compressed.Count);
        Assert.Equal(syntaxes, compressed[0].TransferSyntaxes);
        Assert.Equal(new[] { DicomUids.JPEG2000Lossless }, compressed[1].TransferSyntaxes);
    }

    [Fact]
    public void The_conformance_script_stores_in_exactly_the_listed_transfer_syntaxes()
    {
        var listed = Table("Table 2.1-2: Transfer syntaxes accepted for storage (SCP)").Select(r => r.Uid);
        var script = File.ReadAllText(Path.Combine(ServeProcess.RepositoryRoot(), "conformance", "run.sh"));
        var rows = ScriptSyntax().Matches(script).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(listed.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    // The rows of the table under a caption: the cells of each, and the UID of those that have one (second column).
    private static List<(string Uid, string[] Cells)> Table(string caption)
    {
        var lines = Statement.Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == caption);
        Assert.True(start >= 0, $"no '{caption}' in the statement");
        var rows = lines.Skip(start + 1).SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.True(r[1].Length == 0 || Uid().IsMatch(r[1]), $"'{r[1]}' in {caption} is not a UID"));
        return [.. rows.Where(r => r[1].Length > 0).Select(r => (r[1], r))];
    }

    private static NodeAcceptor Acceptor(IngestOptions ingest) =>
        new(new DicomListenerOptions { AeTitle = Node, Port = 0, BindAddress = "127.0.0.1" }, ingest);

    // Each candidate proposed in its own presentation context with every storage and uncompressed syntax.
    private static async Task<HashSet<string>> AcceptedAbstractSyntaxesAsync(IngestOptions ingest, IReadOnlyList<string> candidates)
    {
        string[] syntaxes = [DicomUids.ExplicitVRLittleEndian, DicomUids.ImplicitVRLittleEndian, .. DicomAcceptancePolicies.DefaultStorageTransferSyntaxes];
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in candidates.Chunk(120))
        {
            var proposals = chunk.Select((uid, i) => new PresentationContextProposal((byte)((2 * i) + 1), uid, syntaxes.Distinct().ToList())).ToList();
            foreach (var (proposal, response) in await DecideAsync(Acceptor(ingest), proposals))
            {
                if (response.Result == PresentationContextResult.Acceptance)
                {
                    accepted.Add(proposal.AbstractSyntax);
                }
            }
        }

        return accepted;
    }

    // One presentation context per candidate transfer syntax, all for the same abstract syntax.
    private static async Task<HashSet<string>> AcceptedTransferSyntaxesAsync(string abstractSyntax, IReadOnlyList<string> candidates)
    {
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in candidates.Chunk(120))
        {
            var proposals = chunk.Select((uid, i) => new PresentationContextProposal((byte)((2 * i) + 1), abstractSyntax, [uid])).ToList();
            foreach (var (proposal, response) in await DecideAsync(Acceptor(new IngestOptions()), proposals))
            {
                if (response.Result == PresentationContextResult.Acceptance)
                {
                    Assert.Equal(proposal.TransferSyntaxes[0], response.TransferSyntax);
                    accepted.Add(response.TransferSyntax);
                }
            }
        }

        return accepted;
    }

    private static async Task<List<(PresentationContextProposal Proposal, PresentationContextResponse Response)>> DecideAsync(NodeAcceptor acceptor, List<PresentationContextProposal> proposals)
    {
        var request = new AssociateRequestPdu { CalledAeTitle = Node, CallingAeTitle = "CT01", PresentationContexts = proposals };
        var decision = await acceptor.DecideAsync(new AssociationRequestContext(request, new IPEndPoint(IPAddress.Loopback, 1234)), CancellationToken.None);
        Assert.NotNull(decision.Accept);
        var byId = decision.Accept.PresentationContexts.ToDictionary(c => c.Id);
        return [.. proposals.Select(p => (p, byId[p.Id]))];
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)+$")]
    private static partial Regex Uid();

    [GeneratedRegex(@"^\s*""[^|""]+\|([0-9.]+)\|[^""]*""\s*$", RegexOptions.Multiline)]
    private static partial Regex ScriptSyntax();
}
