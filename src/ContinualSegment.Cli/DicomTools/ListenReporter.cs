using System.Globalization;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>
/// Turns what a storage listener reports into one line each: every association decision (who asked, as whom, what
/// was decided and why), every connection refused before a decision, and every stored instance, so an administrator
/// watching <c>cseg dicom listen</c> sees why a modality cannot send. Lines are written under a lock held only for
/// the write, on the association's own thread.
/// </summary>
internal sealed class ListenReporter(TextWriter output) : IAssociationObserver
{
    private readonly Lock writeLock = new();

    public void OnAccepted(AssociationAccepted accepted) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"Association {Who(accepted)} accepted: {accepted.AcceptedContexts} of {accepted.ProposedContexts} presentation contexts"));

    public void OnRejected(AssociationRejected rejected) => Write($"Association {Who(rejected)} {rejected.Rejection.Describe()}");

    public void OnReleased(AssociationReleased released)
    {
    }

    public void OnAborted(AssociationAborted aborted)
    {
    }

    public void OnConnectionRefused(ConnectionRefusal refusal) =>
        Write($"Refused a connection from {refusal.RemoteEndPoint?.ToString() ?? "an unknown peer"}: {refusal.Reason}");

    public void OnStored(StoredInstance instance) => Write($"Stored {instance.Path} from {instance.CallingAeTitle} ({instance.TransferSyntaxUid})");

    private static string Who(AssociationEvent association) =>
        $"from {association.RemoteEndPoint?.ToString() ?? "an unknown peer"} ({association.CallingAeTitle} calling {association.CalledAeTitle})";

    private void Write(string line)
    {
        lock (writeLock)
        {
            output.WriteLine(line);
        }
    }
}
