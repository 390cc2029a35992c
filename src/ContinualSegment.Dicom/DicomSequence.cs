using System.Collections.ObjectModel;

namespace ContinualSegment.Dicom;

/// <summary>A sequence element (VR SQ) holding item data sets.</summary>
public sealed class DicomSequence : DicomElement
{
    private readonly ItemCollection items;

    public DicomSequence(DicomTag tag, params IEnumerable<DicomDataset> items)
        : base(tag, DicomVR.SQ, ReadOnlyMemory<byte>.Empty)
    {
        ArgumentNullException.ThrowIfNull(items);
        this.items = new ItemCollection();
        foreach (var item in items)
        {
            this.items.Add(item);
        }
    }

    /// <summary>The items, in order. Items inherit the character set and text decoder of the data set holding the sequence.</summary>
    public IList<DicomDataset> Items => items;

    /// <summary>True when the sequence was read with undefined length (informational).</summary>
    public bool HadUndefinedLength { get; init; }

    public override int ValueCount => 1;

    /// <summary>The data set this sequence belongs to; items added later get it as their parent.</summary>
    internal DicomDataset? Owner
    {
        get => items.Owner;
        set
        {
            items.Owner = value;
            foreach (var item in items)
            {
                item.Parent = value;
            }
        }
    }

    private sealed class ItemCollection : Collection<DicomDataset>
    {
        public DicomDataset? Owner { get; set; }

        protected override void InsertItem(int index, DicomDataset item)
        {
            ArgumentNullException.ThrowIfNull(item);
            item.Parent = Owner;
            base.InsertItem(index, item);
        }

        protected override void SetItem(int index, DicomDataset item)
        {
            ArgumentNullException.ThrowIfNull(item);
            item.Parent = Owner;
            base.SetItem(index, item);
        }
    }
}
