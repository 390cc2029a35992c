namespace ContinualSegment.Dicom;

/// <summary>
/// A value representation (PS3.5 §6.2). Instances are immutable singletons; compare with == or by <see cref="Code"/>.
/// </summary>
public sealed class DicomVR
{
    private DicomVR(string code, bool longLength, byte padding, long maxLength, bool isString, bool usesCharacterSet, int unitSize, bool multiValued)
    {
        Code = code;
        Is32BitLength = longLength;
        PaddingByte = padding;
        MaxLength = maxLength;
        IsString = isString;
        UsesSpecificCharacterSet = usesCharacterSet;
        UnitSize = unitSize;
        IsMultiValuedString = multiValued;
        Key = (ushort)((code[0] << 8) | code[1]);
    }

    /// <summary>The two-letter code, e.g. "PN".</summary>
    public string Code { get; }

    /// <summary>True when explicit VR encoding uses 2 reserved bytes and a 32-bit length; false for a 16-bit length.</summary>
    public bool Is32BitLength { get; }

    /// <summary>Byte used to pad a value to even length (space for text, NUL for UI and binary).</summary>
    public byte PaddingByte { get; }

    /// <summary>Maximum value length in bytes per value (for strings) or per element, where the standard fixes one; otherwise uint.MaxValue - 1.</summary>
    public long MaxLength { get; }

    /// <summary>True for character string VRs.</summary>
    public bool IsString { get; }

    /// <summary>True for VRs whose text is decoded with (0008,0005) Specific Character Set (SH, LO, ST, LT, UT, UC, PN).</summary>
    public bool UsesSpecificCharacterSet { get; }

    /// <summary>Byte width of one binary value (byte-swap unit); 1 for strings and byte data.</summary>
    public int UnitSize { get; }

    /// <summary>True for string VRs where a backslash separates values (not ST, LT, UT, UR).</summary>
    public bool IsMultiValuedString { get; }

    /// <summary>True for binary (non-string) VRs other than SQ.</summary>
    public bool IsBinary => !IsString && this != SQ;

    internal ushort Key { get; }

    public override string ToString() => Code;

    private const long Unlimited = 0xFFFFFFFE;

    public static readonly DicomVR AE = new("AE", false, 0x20, 16, true, false, 1, true);
    public static readonly DicomVR AS = new("AS", false, 0x20, 4, true, false, 1, true);
    public static readonly DicomVR AT = new("AT", false, 0x00, 4, false, false, 2, false);
    public static readonly DicomVR CS = new("CS", false, 0x20, 16, true, false, 1, true);
    public static readonly DicomVR DA = new("DA", false, 0x20, 18, true, false, 1, true);
    public static readonly DicomVR DS = new("DS", false, 0x20, 16, true, false, 1, true);
    public static readonly DicomVR DT = new("DT", false, 0x20, 54, true, false, 1, true);
    public static readonly DicomVR FD = new("FD", false, 0x00, 8, false, false, 8, false);
    public static readonly DicomVR FL = new("FL", false, 0x00, 4, false, false, 4, false);
    public static readonly DicomVR IS = new("IS", false, 0x20, 12, true, false, 1, true);
    public static readonly DicomVR LO = new("LO", false, 0x20, 64, true, true, 1, true);
    public static readonly DicomVR LT = new("LT", false, 0x20, 10240, true, true, 1, false);
    public static readonly DicomVR OB = new("OB", true, 0x00, Unlimited, false, false, 1, false);
    public static readonly DicomVR OD = new("OD", true, 0x00, 0xFFFFFFF8, false, false, 8, false);
    public static readonly DicomVR OF = new("OF", true, 0x00, 0xFFFFFFFC, false, false, 4, false);
    public static readonly DicomVR OL = new("OL", true, 0x00, 0xFFFFFFFC, false, false, 4, false);
    public static readonly DicomVR OV = new("OV", true, 0x00, 0xFFFFFFF8, false, false, 8, false);
    public static readonly DicomVR OW = new("OW", true, 0x00, Unlimited, false, false, 2, false);
    public static readonly DicomVR PN = new("PN", false, 0x20, 64 * 5, true, true, 1, true);
    public static readonly DicomVR SH = new("SH", false, 0x20, 16, true, true, 1, true);
    public static readonly DicomVR SL = new("SL", false, 0x00, 4, false, false, 4, false);
    public static readonly DicomVR SQ = new("SQ", true, 0x00, Unlimited, false, false, 1, false);
    public static readonly DicomVR SS = new("SS", false, 0x00, 2, false, false, 2, false);
    public static readonly DicomVR ST = new("ST", false, 0x20, 1024, true, true, 1, false);
    public static readonly DicomVR SV = new("SV", true, 0x00, 8, false, false, 8, false);
    public static readonly DicomVR TM = new("TM", false, 0x20, 16, true, false, 1, true);
    public static readonly DicomVR UC = new("UC", true, 0x20, Unlimited, true, true, 1, true);
    public static readonly DicomVR UI = new("UI", false, 0x00, 64, true, false, 1, true);
    public static readonly DicomVR UL = new("UL", false, 0x00, 4, false, false, 4, false);
    public static readonly DicomVR UN = new("UN", true, 0x00, Unlimited, false, false, 1, false);
    public static readonly DicomVR UR = new("UR", true, 0x20, Unlimited, true, false, 1, false);
    public static readonly DicomVR US = new("US", false, 0x00, 2, false, false, 2, false);
    public static readonly DicomVR UT = new("UT", true, 0x20, Unlimited, true, true, 1, false);
    public static readonly DicomVR UV = new("UV", true, 0x00, 8, false, false, 8, false);

    /// <summary>Every VR of the current standard.</summary>
    public static IReadOnlyList<DicomVR> All { get; } =
    [
        AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH,
        SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV,
    ];

    /// <summary>Looks up a VR by its two ASCII bytes (as found in explicit VR encoding).</summary>
    public static bool TryGet(byte first, byte second, out DicomVR vr)
    {
        vr = Lookup(first, second)!;
        return vr is not null;
    }

    /// <summary>Looks up a VR by its code, e.g. "OB".</summary>
    public static bool TryParse(string? code, out DicomVR vr)
    {
        vr = null!;
        if (code is null || code.Length != 2 || code[0] > 0x7F || code[1] > 0x7F)
        {
            return false;
        }

        return TryGet((byte)code[0], (byte)code[1], out vr);
    }

    public static DicomVR Parse(string code) =>
        TryParse(code, out var vr) ? vr : throw new DicomException($"'{code}' is not a DICOM value representation.");

    private static DicomVR? Lookup(byte a, byte b) => (a, b) switch
    {
        ((byte)'A', (byte)'E') => AE,
        ((byte)'A', (byte)'S') => AS,
        ((byte)'A', (byte)'T') => AT,
        ((byte)'C', (byte)'S') => CS,
        ((byte)'D', (byte)'A') => DA,
        ((byte)'D', (byte)'S') => DS,
        ((byte)'D', (byte)'T') => DT,
        ((byte)'F', (byte)'D') => FD,
        ((byte)'F', (byte)'L') => FL,
        ((byte)'I', (byte)'S') => IS,
        ((byte)'L', (byte)'O') => LO,
        ((byte)'L', (byte)'T') => LT,
        ((byte)'O', (byte)'B') => OB,
        ((byte)'O', (byte)'D') => OD,
        ((byte)'O', (byte)'F') => OF,
        ((byte)'O', (byte)'L') => OL,
        ((byte)'O', (byte)'V') => OV,
        ((byte)'O', (byte)'W') => OW,
        ((byte)'P', (byte)'N') => PN,
        ((byte)'S', (byte)'H') => SH,
        ((byte)'S', (byte)'L') => SL,
        ((byte)'S', (byte)'Q') => SQ,
        ((byte)'S', (byte)'S') => SS,
        ((byte)'S', (byte)'T') => ST,
        ((byte)'S', (byte)'V') => SV,
        ((byte)'T', (byte)'M') => TM,
        ((byte)'U', (byte)'C') => UC,
        ((byte)'U', (byte)'I') => UI,
        ((byte)'U', (byte)'L') => UL,
        ((byte)'U', (byte)'N') => UN,
        ((byte)'U', (byte)'R') => UR,
        ((byte)'U', (byte)'S') => US,
        ((byte)'U', (byte)'T') => UT,
        ((byte)'U', (byte)'V') => UV,
        _ => null,
    };
}
