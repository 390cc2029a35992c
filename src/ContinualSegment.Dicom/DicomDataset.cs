using System.Collections;
using System.Text;

namespace ContinualSegment.Dicom;

/// <summary>
/// A data set (or sequence item): elements kept sorted by tag. Text is decoded with the Specific Character Set
/// in effect (this data set's (0008,0005), else the enclosing data set's) through <see cref="TextDecoder"/>.
/// </summary>
public sealed class DicomDataset : IEnumerable<DicomElement>
{
    private readonly List<DicomElement> elements;
    private IDicomTextDecoder? textDecoder;

    public DicomDataset()
    {
        elements = [];
    }

    public DicomDataset(params IEnumerable<DicomElement> items)
        : this()
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var e in items)
        {
            AddOrUpdate(e);
        }
    }

    /// <summary>The data set holding the sequence this item belongs to, if any.</summary>
    public DicomDataset? Parent { get; internal set; }

    public int Count => elements.Count;

    /// <summary>The text codec: set here, inherited from the parent data set, or the built-in ASCII/Latin-1/UTF-8 one.</summary>
    public IDicomTextDecoder TextDecoder
    {
        get => textDecoder ?? Parent?.TextDecoder ?? DefaultDicomTextDecoder.Instance;
        set => textDecoder = value;
    }

    /// <summary>The terms of (0008,0005) in effect for this data set (empty for the default repertoire).</summary>
    public IReadOnlyList<string> SpecificCharacterSet
    {
        get
        {
            if (TryGetElement(DicomTags.SpecificCharacterSet, out var e))
            {
                // The first value may be empty (default repertoire for the G0 set), so split without dropping it.
                var raw = Encoding.Latin1.GetString(e.Value.Span).TrimEnd(' ', '\0');
                return raw.Length == 0 ? [] : Array.ConvertAll(raw.Split('\\'), static s => s.Trim());
            }

            return Parent?.SpecificCharacterSet ?? [];
        }
    }

    /// <summary>The element with this tag, or null.</summary>
    public DicomElement? this[DicomTag tag] => TryGetElement(tag, out var e) ? e : null;

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public bool TryGetElement(DicomTag tag, out DicomElement element)
    {
        var i = IndexOf(tag);
        element = i >= 0 ? elements[i] : null!;
        return i >= 0;
    }

    /// <summary>The element with this tag; throws <see cref="DicomException"/> when absent.</summary>
    public DicomElement GetElement(DicomTag tag) =>
        TryGetElement(tag, out var e) ? e : throw new DicomException($"{tag} {DicomDictionary.KeywordOf(tag)} is not present.");

    /// <summary>
    /// The element for typed access: an element stored as UN (e.g. a tag unknown to the sender) whose tag the dictionary
    /// knows is returned under its dictionary VR.
    /// </summary>
    private DicomElement GetTyped(DicomTag tag)
    {
        var e = GetElement(tag);
        if (e.VR == DicomVR.UN && e is not DicomSequence && !tag.IsPrivate)
        {
            var vr = DicomDictionary.DefaultVR(tag);
            if (vr != DicomVR.UN && vr != DicomVR.SQ)
            {
                return e.ReinterpretAs(vr);
            }
        }

        return e;
    }

    /// <summary>Adds an element; throws when the tag is already present.</summary>
    public void Add(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var i = IndexOf(element.Tag);
        if (i >= 0)
        {
            throw new DicomException($"{element.Tag} is already present in the data set.");
        }

        Insert(~i, element);
    }

    /// <summary>Adds or replaces the element with the same tag.</summary>
    public void AddOrUpdate(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var i = IndexOf(element.Tag);
        if (i >= 0)
        {
            Detach(elements[i]);
            elements[i] = element;
            Attach(element);
        }
        else
        {
            Insert(~i, element);
        }
    }

    /// <summary>Adds or replaces a text element; the VR comes from the dictionary when not given.</summary>
    public void AddOrUpdate(DicomTag tag, params string[] values) => AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);

    /// <summary>Adds or replaces a text element, encoding it with this data set's character set.</summary>
    public void AddOrUpdate(DicomTag tag, DicomVR vr, params string[] values) =>
        AddOrUpdate(DicomElement.FromStrings(tag, vr, values, SpecificCharacterSet, TextDecoder));

    /// <summary>Adds or replaces a binary numeric element.</summary>
    public void AddOrUpdate<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : unmanaged => AddOrUpdate(DicomElement.FromValues(tag, vr, values));

    public bool Remove(DicomTag tag)
    {
        var i = IndexOf(tag);
        if (i < 0)
        {
            return false;
        }

        Detach(elements[i]);
        elements.RemoveAt(i);
        return true;
    }

    public void Clear()
    {
        foreach (var e in elements)
        {
            Detach(e);
        }

        elements.Clear();
    }

    /// <summary>A deep copy: sequences and their items are copied; value bytes (immutable) are shared.</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset { textDecoder = textDecoder };
        foreach (var e in elements)
        {
            copy.elements.Add(e switch
            {
                DicomSequence sq => new DicomSequence(sq.Tag, sq.Items.Select(static i => i.Clone())) { HadUndefinedLength = sq.HadUndefinedLength },
                DicomFragmentSequence f => new DicomFragmentSequence(f.Tag, f.VR, f.BasicOffsetTable, f.Fragments),
                _ => e,
            });
            copy.Attach(copy.elements[^1]);
        }

        return copy;
    }

    // ---------------------------------------------------------------- typed access

    public string GetString(DicomTag tag) => GetTyped(tag).GetString(SpecificCharacterSet, TextDecoder);

    public string GetString(DicomTag tag, int index) => GetTyped(tag).GetString(index, SpecificCharacterSet, TextDecoder);

    /// <summary>The text value, or <paramref name="fallback"/> when the element is absent or empty.</summary>
    public string GetStringOrDefault(DicomTag tag, string fallback = "")
    {
        if (!TryGetElement(tag, out var e) || e.Length == 0)
        {
            return fallback;
        }

        e = GetTyped(tag);
        return e.VR.IsString ? e.GetString(SpecificCharacterSet, TextDecoder) : fallback;
    }

    public string[] GetStrings(DicomTag tag) => GetTyped(tag).GetStrings(SpecificCharacterSet, TextDecoder);

    public double GetDouble(DicomTag tag, int index = 0) => GetTyped(tag).GetDouble(index);

    public int GetInt32(DicomTag tag, int index = 0) => GetTyped(tag).GetInt32(index);

    public int GetInt32OrDefault(DicomTag tag, int fallback)
    {
        if (!TryGetElement(tag, out var e) || e.Length == 0)
        {
            return fallback;
        }

        e = GetTyped(tag);
        return e.ValueCount == 0 ? fallback : e.GetInt32();
    }

    public double[] GetDoubles(DicomTag tag) => GetTyped(tag).GetDoubles();

    public T[] GetValues<T>(DicomTag tag)
        where T : unmanaged => GetElement(tag).GetValues<T>();

    public DateOnly GetDate(DicomTag tag) => GetTyped(tag).GetDate();

    public TimeOnly GetTime(DicomTag tag) => GetTyped(tag).GetTime();

    public DateTimeOffset GetDateTime(DicomTag tag) => GetTyped(tag).GetDateTime();

    public DicomPersonName GetPersonName(DicomTag tag, int index = 0) => GetTyped(tag).GetPersonName(index, SpecificCharacterSet, TextDecoder);

    /// <summary>The sequence with this tag; throws when absent or not a sequence.</summary>
    public DicomSequence GetSequence(DicomTag tag) =>
        GetElement(tag) as DicomSequence ?? throw new DicomException($"{tag} is not a sequence.");

    // ---------------------------------------------------------------- private blocks

    /// <summary>
    /// Returns the private creator tag (gggg,00xx) reserved for <paramref name="creator"/> in <paramref name="group"/>,
    /// reserving the first free block when the creator has none yet.
    /// </summary>
    public DicomTag ReservePrivateBlock(ushort group, string creator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(creator);
        if ((group & 1) == 0 || group <= 0x0007)
        {
            throw new ArgumentOutOfRangeException(nameof(group), $"Group {group:X4} is not a private group.");
        }

        if (TryFindPrivateBlock(group, creator, out var existing))
        {
            return existing;
        }

        for (ushort e = 0x10; e <= 0xFF; e++)
        {
            var tag = new DicomTag(group, e);
            if (!Contains(tag))
            {
                Add(DicomElement.FromStrings(tag, DicomVR.LO, creator));
                return tag;
            }
        }

        throw new DicomException($"No free private block left in group {group:X4}.");
    }

    /// <summary>Finds the creator element (gggg,00xx) whose value is <paramref name="creator"/>.</summary>
    public bool TryFindPrivateBlock(ushort group, string creator, out DicomTag creatorTag)
    {
        ArgumentNullException.ThrowIfNull(creator);
        var wanted = creator.Trim();
        for (ushort e = 0x10; e <= 0xFF; e++)
        {
            var tag = new DicomTag(group, e);
            if (TryGetElement(tag, out var el) && el.VR.IsString && string.Equals(el.GetString(), wanted, StringComparison.Ordinal))
            {
                creatorTag = tag;
                return true;
            }
        }

        creatorTag = default;
        return false;
    }

    /// <summary>The tag of private element <paramref name="offset"/> (0x00-0xFF) in the block of <paramref name="creator"/>, reserving the block if needed.</summary>
    public DicomTag GetPrivateTag(ushort group, string creator, byte offset)
    {
        var block = ReservePrivateBlock(group, creator);
        return DicomTag.PrivateElement(group, (byte)block.Element, offset);
    }

    /// <summary>The private element at <paramref name="offset"/> in <paramref name="creator"/>'s block, or null.</summary>
    public DicomElement? GetPrivateElement(ushort group, string creator, byte offset) =>
        TryFindPrivateBlock(group, creator, out var block) ? this[DicomTag.PrivateElement(group, (byte)block.Element, offset)] : null;

    // ---------------------------------------------------------------- enumeration and internals

    public IEnumerator<DicomElement> GetEnumerator() => elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends an element read from a stream: in-order tags are appended; duplicates keep the first.</summary>
    internal void AddRead(DicomElement element)
    {
        if (elements.Count == 0 || elements[^1].Tag < element.Tag)
        {
            elements.Add(element);
            Attach(element);
            return;
        }

        var i = IndexOf(element.Tag);
        if (i < 0)
        {
            Insert(~i, element);
        }
    }

    private void Insert(int index, DicomElement element)
    {
        elements.Insert(index, element);
        Attach(element);
    }

    private void Attach(DicomElement element)
    {
        if (element is DicomSequence sq)
        {
            sq.Owner = this;
        }
    }

    private static void Detach(DicomElement element)
    {
        if (element is DicomSequence sq)
        {
            sq.Owner = null;
        }
    }

    private int IndexOf(DicomTag tag)
    {
        var lo = 0;
        var hi = elements.Count - 1;
        var key = tag.Value;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var v = elements[mid].Tag.Value;
            if (v == key)
            {
                return mid;
            }

            if (v < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
