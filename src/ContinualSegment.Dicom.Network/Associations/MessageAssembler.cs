using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// Reassembles PDV fragments, per presentation context, into complete command sets and data sets. Messages never
/// share memory with the fragments (which may point into a reused receive buffer).
/// </summary>
internal sealed class MessageAssembler
{
    private readonly int maxLength;
    private readonly Dictionary<(byte Id, bool Command), MemoryStream> pending = [];

    public MessageAssembler(int maxLength) => this.maxLength = maxLength;

    /// <summary>Adds one fragment; returns the complete message when it was the last fragment.</summary>
    public PresentationDataMessage? Add(PresentationDataValue pdv)
    {
        var key = (pdv.PresentationContextId, pdv.IsCommand);
        if (!pending.TryGetValue(key, out var buffer))
        {
            if (pdv.IsLastFragment)
            {
                // The fragment may point into the reader's buffer: the message gets its own copy.
                CheckLength(pdv.Data.Length);
                return new PresentationDataMessage(pdv.PresentationContextId, pdv.IsCommand, pdv.Data.ToArray());
            }

            buffer = new MemoryStream();
            pending[key] = buffer;
        }

        CheckLength(buffer.Length + pdv.Data.Length);
        buffer.Write(pdv.Data.Span);
        if (!pdv.IsLastFragment)
        {
            return null;
        }

        pending.Remove(key);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        buffer.Dispose();
        return new PresentationDataMessage(pdv.PresentationContextId, pdv.IsCommand, bytes);
    }

    private void CheckLength(long length)
    {
        if (length > this.maxLength)
        {
            throw new PduFormatException($"A reassembled message exceeds the limit of {this.maxLength} bytes.", AbortReason.NotSpecified, framingLost: false);
        }
    }
}
