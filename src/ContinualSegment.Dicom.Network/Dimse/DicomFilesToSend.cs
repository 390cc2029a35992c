namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Part 10 files inspected before a send: the presentation contexts they need, the readable ones, and a result for each unreadable one.</summary>
/// <param name="Contexts">The (SOP class, transfer syntax) pairs to propose, each once, in a stable order.</param>
/// <param name="Readable">The files that could be read, in the order given.</param>
/// <param name="Unreadable">An error result for each file that could not be read.</param>
public sealed record DicomFilesToSend(IReadOnlyList<(string AbstractSyntax, string TransferSyntax)> Contexts, IReadOnlyList<string> Readable, IReadOnlyList<DicomStoreResult> Unreadable)
{
    /// <summary>A key that is equal for two sets of files needing the same presentation contexts.</summary>
    public string ContextKey => string.Join(';', Contexts.Select(c => c.AbstractSyntax + "/" + c.TransferSyntax));
}
