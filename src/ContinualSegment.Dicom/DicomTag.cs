using System.Globalization;

namespace ContinualSegment.Dicom;

/// <summary>A DICOM attribute tag: a group and an element number (PS3.5 §7.1).</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    /// <summary>Creates a tag from its 32-bit form (group in the high half).</summary>
    public DicomTag(uint value)
        : this((ushort)(value >> 16), (ushort)value)
    {
    }

    /// <summary>The tag as one 32-bit number, group in the high 16 bits.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>True for tags in an odd group above 0x0007 (private data elements).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>True for a private creator element (gggg,0010-00FF) in a private group.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>The creator element (gggg,00xx) that reserves the block this private tag lies in.</summary>
    public DicomTag PrivateCreatorTag => IsPrivate && Element >= 0x1000
        ? new DicomTag(Group, (ushort)(Element >> 8))
        : throw new InvalidOperationException($"{this} is not a private data element in a reserved block.");

    /// <summary>True for group length elements (gggg,0000).</summary>
    public bool IsGroupLength => Element == 0x0000;

    /// <summary>Item, item delimitation and sequence delimitation tags of group FFFE.</summary>
    public bool IsDelimiter => Group == 0xFFFE;

    /// <summary>The private tag at <paramref name="offset"/> in the block reserved by <paramref name="creatorElement"/> (0x10-0xFF).</summary>
    public static DicomTag PrivateElement(ushort group, byte creatorElement, byte offset)
    {
        if ((group & 1) == 0 || group <= 0x0007)
        {
            throw new ArgumentOutOfRangeException(nameof(group), $"Group {group:X4} is not a private group.");
        }

        if (creatorElement < 0x10)
        {
            throw new ArgumentOutOfRangeException(nameof(creatorElement), "Private creator elements are 0x10-0xFF.");
        }

        return new DicomTag(group, (ushort)((creatorElement << 8) | offset));
    }

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    /// <summary>Formats as "(gggg,eeee)" with upper-case hex digits.</summary>
    public override string ToString() => string.Create(11, Value, static (span, v) =>
    {
        span[0] = '(';
        ((ushort)(v >> 16)).TryFormat(span[1..], out _, "X4", CultureInfo.InvariantCulture);
        span[5] = ',';
        ((ushort)v).TryFormat(span[6..], out _, "X4", CultureInfo.InvariantCulture);
        span[10] = ')';
    });

    /// <summary>Parses "(0010,0010)", "0010,0010" or "00100010" (hex, case-insensitive).</summary>
    public static DicomTag Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var tag) ? tag : throw new FormatException($"'{text}' is not a DICOM tag (expected (gggg,eeee) or ggggeeee).");
    }

    public static bool TryParse(ReadOnlySpan<char> text, out DicomTag tag)
    {
        tag = default;
        text = text.Trim();
        if (text.Length >= 2 && text[0] == '(' && text[^1] == ')')
        {
            text = text[1..^1];
        }

        ReadOnlySpan<char> g, e;
        if (text.Length == 9 && text[4] == ',')
        {
            g = text[..4];
            e = text[5..];
        }
        else if (text.Length == 8)
        {
            g = text[..4];
            e = text[4..];
        }
        else
        {
            return false;
        }

        if (!ushort.TryParse(g, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var gv)
            || !ushort.TryParse(e, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ev))
        {
            return false;
        }

        tag = new DicomTag(gv, ev);
        return true;
    }
}
