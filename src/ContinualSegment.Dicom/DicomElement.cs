using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ContinualSegment.Dicom;

/// <summary>
/// A data element: tag, VR and the raw value bytes (little-endian byte order, as they lie in the file or were built).
/// Values read from a file are slices of the read buffer (no copy); text is decoded only when asked for.
/// </summary>
public class DicomElement
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(vr);
        Tag = tag;
        VR = vr;
        Value = value;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    /// <summary>The raw value bytes (including any padding byte as read).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Length of the raw value in bytes.</summary>
    public int Length => Value.Length;

    /// <summary>Value multiplicity: number of backslash-separated strings or number of binary values.</summary>
    public virtual int ValueCount
    {
        get
        {
            if (VR.IsString)
            {
                var span = TrimmedBytes();
                if (span.IsEmpty)
                {
                    return 0;
                }

                return VR.IsMultiValuedString ? span.Count((byte)'\\') + 1 : 1;
            }

            return VR == DicomVR.OB || VR == DicomVR.UN || VR == DicomVR.OW || VR == DicomVR.OF || VR == DicomVR.OD || VR == DicomVR.OL || VR == DicomVR.OV
                ? (Length > 0 ? 1 : 0)
                : Length / (VR == DicomVR.AT ? 4 : VR.UnitSize);
        }
    }

    /// <summary>The same bytes under another VR (e.g. to read an element whose explicit VR disagrees with the dictionary).</summary>
    public DicomElement ReinterpretAs(DicomVR vr) => new(Tag, vr, Value);

    public override string ToString() => $"{Tag} {VR} ({Length} bytes)";

    // ---------------------------------------------------------------- strings

    /// <summary>The whole text value (all values with backslashes), with padding removed.</summary>
    public string GetString(IReadOnlyList<string>? specificCharacterSet = null, IDicomTextDecoder? decoder = null)
    {
        var bytes = TrimmedBytes();
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (!VR.UsesSpecificCharacterSet || (specificCharacterSet is null or { Count: 0 } && decoder is null))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        return (decoder ?? DefaultDicomTextDecoder.Instance).Decode(bytes, specificCharacterSet ?? [], VR);
    }

    /// <summary>The text values split at backslashes (for multi-valued VRs), each trimmed of insignificant spaces.</summary>
    public string[] GetStrings(IReadOnlyList<string>? specificCharacterSet = null, IDicomTextDecoder? decoder = null)
    {
        var all = GetString(specificCharacterSet, decoder);
        if (all.Length == 0)
        {
            return [];
        }

        if (!VR.IsMultiValuedString)
        {
            return [all];
        }

        var parts = all.Split('\\');
        if (VR != DicomVR.PN)
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = parts[i].Trim(' ', '\0');
            }
        }

        return parts;
    }

    /// <summary>Value <paramref name="index"/> of a string element.</summary>
    public string GetString(int index, IReadOnlyList<string>? specificCharacterSet = null, IDicomTextDecoder? decoder = null)
    {
        var values = GetStrings(specificCharacterSet, decoder);
        return (uint)index < (uint)values.Length
            ? values[index]
            : throw new DicomException($"{Tag} {VR} has {values.Length} value(s); index {index} requested.");
    }

    // ---------------------------------------------------------------- numbers

    /// <summary>Binary values reinterpreted as <typeparamref name="T"/> (e.g. ushort for US/OW, float for FL/OF).</summary>
    public ReadOnlySpan<T> GetSpan<T>()
        where T : unmanaged
    {
        var bytes = Value.Span;
        var size = Marshal.SizeOf<T>();
        return MemoryMarshal.Cast<byte, T>(bytes[..(bytes.Length - (bytes.Length % size))]);
    }

    public T[] GetValues<T>()
        where T : unmanaged => GetSpan<T>().ToArray();

    /// <summary>Numeric value <paramref name="index"/> as double, for any numeric VR (US, SS, UL, SL, UV, SV, FL, FD, OF, OD, IS, DS).</summary>
    public double GetDouble(int index = 0)
    {
        if (VR.IsString)
        {
            var s = GetString(index);
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new DicomException($"{Tag} {VR} value '{s}' is not a number.");
        }

        var span = Value.Span;
        var unit = VR.UnitSize;
        if (VR == DicomVR.OB || VR == DicomVR.UN)
        {
            unit = 1;
        }

        if ((uint)index >= (uint)(span.Length / unit))
        {
            throw new DicomException($"{Tag} {VR} has {span.Length / unit} value(s); index {index} requested.");
        }

        var v = span[(index * unit)..];
        return VR.Code switch
        {
            "US" or "OW" => BinaryPrimitives.ReadUInt16LittleEndian(v),
            "SS" => BinaryPrimitives.ReadInt16LittleEndian(v),
            "UL" or "OL" => BinaryPrimitives.ReadUInt32LittleEndian(v),
            "SL" => BinaryPrimitives.ReadInt32LittleEndian(v),
            "UV" or "OV" => BinaryPrimitives.ReadUInt64LittleEndian(v),
            "SV" => BinaryPrimitives.ReadInt64LittleEndian(v),
            "FL" or "OF" => BinaryPrimitives.ReadSingleLittleEndian(v),
            "FD" or "OD" => BinaryPrimitives.ReadDoubleLittleEndian(v),
            "AT" => BinaryPrimitives.ReadUInt16LittleEndian(v),
            _ => v[0],
        };
    }

    /// <summary>Integer value <paramref name="index"/> for US, SS, UL, SL, IS (and integral FL/FD/DS values).</summary>
    public long GetInt64(int index = 0)
    {
        if (VR == DicomVR.IS)
        {
            var s = GetString(index);
            return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                ? l
                : throw new DicomException($"{Tag} IS value '{s}' is not an integer.");
        }

        var d = GetDouble(index);
        if (d != Math.Floor(d) || d < long.MinValue || d > long.MaxValue)
        {
            throw new DicomException($"{Tag} {VR} value {d} is not an integer.");
        }

        return (long)d;
    }

    public int GetInt32(int index = 0)
    {
        var l = GetInt64(index);
        return l is >= int.MinValue and <= int.MaxValue ? (int)l : throw new DicomException($"{Tag} value {l} does not fit in 32 bits.");
    }

    /// <summary>All numeric values as doubles.</summary>
    public double[] GetDoubles()
    {
        var n = ValueCount;
        if (!VR.IsString && (VR == DicomVR.OB || VR == DicomVR.UN || VR == DicomVR.OW || VR == DicomVR.OF || VR == DicomVR.OD || VR == DicomVR.OL || VR == DicomVR.OV))
        {
            n = Length / (VR == DicomVR.OB || VR == DicomVR.UN ? 1 : VR.UnitSize);
        }

        var result = new double[n];
        if (VR.IsString)
        {
            var strings = GetStrings();
            for (var i = 0; i < n; i++)
            {
                result[i] = double.TryParse(strings[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : throw new DicomException($"{Tag} {VR} value '{strings[i]}' is not a number.");
            }

            return result;
        }

        for (var i = 0; i < n; i++)
        {
            result[i] = GetDouble(i);
        }

        return result;
    }

    /// <summary>An AT value.</summary>
    public DicomTag GetTag(int index = 0)
    {
        var span = Value.Span;
        if ((uint)index >= (uint)(span.Length / 4))
        {
            throw new DicomException($"{Tag} has {span.Length / 4} AT value(s); index {index} requested.");
        }

        return new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span[(index * 4)..]), BinaryPrimitives.ReadUInt16LittleEndian(span[((index * 4) + 2)..]));
    }

    // ---------------------------------------------------------------- dates, times, names

    /// <summary>A DA value (YYYYMMDD; the old YYYY.MM.DD form is accepted).</summary>
    public DateOnly GetDate(int index = 0) => DicomDateTime.ParseDate(GetString(index), Tag);

    /// <summary>A TM value (HH[MM[SS[.F{1-6}]]]; old HH:MM:SS accepted).</summary>
    public TimeOnly GetTime(int index = 0) => DicomDateTime.ParseTime(GetString(index), Tag);

    /// <summary>A DT value (YYYY[MM[DD[HH[MM[SS[.F]]]]]][&amp;ZZXX]); without an offset, UTC is assumed unless <paramref name="defaultOffset"/> is given.</summary>
    public DateTimeOffset GetDateTime(int index = 0, TimeSpan? defaultOffset = null) =>
        DicomDateTime.ParseDateTime(GetString(index), Tag, defaultOffset ?? TimeSpan.Zero);

    public DicomPersonName GetPersonName(int index = 0, IReadOnlyList<string>? specificCharacterSet = null, IDicomTextDecoder? decoder = null) =>
        DicomPersonName.Parse(GetString(index, specificCharacterSet, decoder));

    // ---------------------------------------------------------------- factories

    /// <summary>Creates a text element from values (joined with backslashes), encoded as ASCII/Latin-1 and padded to even length.</summary>
    public static DicomElement FromStrings(DicomTag tag, DicomVR vr, params string[] values) =>
        FromStrings(tag, vr, values, null, null);

    /// <summary>Creates a text element encoding the values with a character set through <paramref name="encoder"/>.</summary>
    public static DicomElement FromStrings(DicomTag tag, DicomVR vr, IReadOnlyList<string> values, IReadOnlyList<string>? specificCharacterSet, IDicomTextDecoder? encoder)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (!vr.IsString)
        {
            throw new DicomException($"{vr} is not a text VR; {tag} cannot hold strings.");
        }

        var joined = string.Join('\\', values);
        byte[] bytes = vr.UsesSpecificCharacterSet && specificCharacterSet is { Count: > 0 }
            ? (encoder ?? DefaultDicomTextDecoder.Instance).Encode(joined, specificCharacterSet, vr)
            : Encoding.Latin1.GetBytes(joined);
        return new DicomElement(tag, vr, Pad(bytes, vr.PaddingByte));
    }

    /// <summary>Creates a binary element from values (e.g. ushort[] for US/OW, float[] for FL).</summary>
    public static DicomElement FromValues<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (vr.IsString || vr == DicomVR.SQ)
        {
            throw new DicomException($"{vr} is not a binary VR.");
        }

        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        }

        return new DicomElement(tag, vr, Pad(bytes, 0));
    }

    /// <summary>Creates an AT element.</summary>
    public static DicomElement FromTags(DicomTag tag, params DicomTag[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4), values[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((i * 4) + 2), values[i].Element);
        }

        return new DicomElement(tag, DicomVR.AT, bytes);
    }

    private static byte[] Pad(byte[] bytes, byte padding)
    {
        if ((bytes.Length & 1) == 0)
        {
            return bytes;
        }

        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = padding;
        return padded;
    }

    private ReadOnlySpan<byte> TrimmedBytes()
    {
        var span = Value.Span;
        var end = span.Length;
        while (end > 0 && (span[end - 1] == (byte)' ' || span[end - 1] == 0))
        {
            end--;
        }

        var start = 0;
        if (VR != DicomVR.ST && VR != DicomVR.LT && VR != DicomVR.UT && VR != DicomVR.PN && VR != DicomVR.UC)
        {
            while (start < end && span[start] == (byte)' ')
            {
                start++;
            }
        }

        return span[start..end];
    }
}
