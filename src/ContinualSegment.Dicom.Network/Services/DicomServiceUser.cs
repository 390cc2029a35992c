using System.Diagnostics;
using System.Runtime.CompilerServices;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>
/// One-association service-user operations: connect, run the operation, release. Results come back as records
/// (or streams of them); connection, association and protocol failures are thrown as the exceptions of
/// <see cref="DicomClient"/>. Sending files is <see cref="DicomClient.SendFilesAsync"/>.
/// </summary>
public static class DicomServiceUser
{
    /// <summary>Sends <paramref name="count"/> C-ECHO requests over one association, yielding each result as it arrives.</summary>
    public static async IAsyncEnumerable<DicomEchoResult> EchoAsync(DicomClientOptions options, int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(DicomUids.Verification), cancellationToken).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await client.EchoAsync(cancellationToken).ConfigureAwait(false);
                yield return new DicomEchoResult(status, Stopwatch.GetElapsedTime(started));
            }

            await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>C-FIND with <paramref name="identifier"/> on <paramref name="sopClassUid"/>, yielding each match as it arrives.</summary>
    public static async IAsyncEnumerable<DicomDataset> FindAsync(DicomClientOptions options, string sopClassUid, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identifier);
        var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(sopClassUid), cancellationToken).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            await foreach (var match in client.FindAsync(sopClassUid, identifier, cancellationToken).ConfigureAwait(false))
            {
                yield return match;
            }

            await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>C-MOVE of what <paramref name="identifier"/> selects to <paramref name="destinationAeTitle"/>; pending responses go to <paramref name="progress"/>.</summary>
    public static async Task<DicomMoveResult> MoveAsync(
        DicomClientOptions options, string sopClassUid, string destinationAeTitle, DicomDataset identifier, IProgress<CMoveResponse>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identifier);
        var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(sopClassUid), cancellationToken).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            var result = await client.MoveAsync(sopClassUid, destinationAeTitle, identifier, progress, cancellationToken).ConfigureAwait(false);
            await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }
}
