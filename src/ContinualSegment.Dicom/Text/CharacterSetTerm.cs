using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// One Defined Term of Specific Character Set (0008,0005) (PS3.3 Tables C.12-2 to C.12-5): the G0 and G1
/// sets it designates, or, for the terms that allow no code extensions, the whole-value encoding.
/// </summary>
internal sealed class CharacterSetTerm
{
    private static readonly Dictionary<string, CharacterSetTerm> Terms = BuildTerms();

    private CharacterSetTerm(string name, GraphicSet? g0, GraphicSet? g1, bool usesCodeExtensions, Func<Encoding>? standAlone = null)
    {
        Name = name;
        G0 = g0;
        G1 = g1;
        UsesCodeExtensions = usesCodeExtensions;
        StandAloneEncoding = standAlone;
    }

    internal string Name { get; }

    /// <summary>The set the term designates to G0, or null when it leaves G0 alone.</summary>
    internal GraphicSet? G0 { get; }

    /// <summary>The set the term designates to G1, or null when it leaves G1 empty.</summary>
    internal GraphicSet? G1 { get; }

    /// <summary>True for the "ISO 2022 IR nnn" terms.</summary>
    internal bool UsesCodeExtensions { get; }

    /// <summary>For ISO_IR 192, GB18030 and GBK: the encoding of the whole value; null for ISO 2022 based terms.</summary>
    internal Func<Encoding>? StandAloneEncoding { get; }

    internal static CharacterSetTerm Default => Terms["ISO_IR 6"];

    /// <summary>Finds a Defined Term, ignoring the padding spaces a CS value may carry.</summary>
    internal static CharacterSetTerm? Find(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        string trimmed = term.Trim(' ', '\0');
        return trimmed.Length == 0 ? Default : Terms.GetValueOrDefault(trimmed);
    }

    /// <summary>
    /// Finds a term written with a common misspelling ("ISO IR 100", "ISO-IR 100", "ISO_IR100",
    /// "ISO 2022-IR 87", "ISO_2022_IR_87"): separators between ISO, 2022, IR and the number are ignored.
    /// </summary>
    internal static CharacterSetTerm? FindLoosely(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        string compact = new([.. term.Trim(' ', '\0').ToUpperInvariant().Where(char.IsLetterOrDigit)]);
        if (compact.StartsWith("ISO2022IR", StringComparison.Ordinal))
        {
            return Terms.GetValueOrDefault("ISO 2022 IR " + compact["ISO2022IR".Length..]);
        }

        if (compact.StartsWith("ISOIR", StringComparison.Ordinal))
        {
            return Terms.GetValueOrDefault("ISO_IR " + compact["ISOIR".Length..]);
        }

        return compact switch
        {
            "GB18030" => Terms["GB18030"],
            "GBK" => Terms["GBK"],
            "UTF8" => Terms["ISO_IR 192"],
            _ => null,
        };
    }

    private static Dictionary<string, CharacterSetTerm> BuildTerms()
    {
        var terms = new Dictionary<string, CharacterSetTerm>(StringComparer.Ordinal);

        void SingleByte(string number, GraphicSet? g1, GraphicSet? g0 = null)
        {
            g0 ??= GraphicSet.Ascii;
            terms["ISO_IR " + number] = new CharacterSetTerm("ISO_IR " + number, g0, g1, false);
            terms["ISO 2022 IR " + number] = new CharacterSetTerm("ISO 2022 IR " + number, g0, g1, true);
        }

        SingleByte("6", null);
        SingleByte("100", GraphicSet.Latin1);
        SingleByte("101", GraphicSet.Latin2);
        SingleByte("109", GraphicSet.Latin3);
        SingleByte("110", GraphicSet.Latin4);
        SingleByte("144", GraphicSet.Cyrillic);
        SingleByte("127", GraphicSet.Arabic);
        SingleByte("126", GraphicSet.Greek);
        SingleByte("138", GraphicSet.Hebrew);
        SingleByte("148", GraphicSet.Latin5);
        SingleByte("166", GraphicSet.Thai);
        SingleByte("13", GraphicSet.JisKatakana, GraphicSet.JisRoman);

        terms["ISO 2022 IR 87"] = new CharacterSetTerm("ISO 2022 IR 87", GraphicSet.Jis0208, null, true);
        terms["ISO 2022 IR 159"] = new CharacterSetTerm("ISO 2022 IR 159", GraphicSet.Jis0212, null, true);
        terms["ISO 2022 IR 149"] = new CharacterSetTerm("ISO 2022 IR 149", null, GraphicSet.Ksx1001, true);
        terms["ISO 2022 IR 58"] = new CharacterSetTerm("ISO 2022 IR 58", null, GraphicSet.Gb2312, true);

        terms["ISO_IR 192"] = new CharacterSetTerm("ISO_IR 192", null, null, false, () => TextEncodings.Utf8);
        terms["GB18030"] = new CharacterSetTerm("GB18030", null, null, false, () => TextEncodings.Gb18030);
        terms["GBK"] = new CharacterSetTerm("GBK", null, null, false, () => TextEncodings.Gbk);
        return terms;
    }
}
