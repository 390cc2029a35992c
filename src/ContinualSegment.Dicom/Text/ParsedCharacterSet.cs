using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// The values of Specific Character Set (0008,0005) resolved to what the codec needs: either one whole-value
/// encoding (ISO_IR 192, GB18030, GBK) or the initial G0/G1 sets and the sets that escape sequences may designate.
/// </summary>
internal sealed class ParsedCharacterSet
{
    private ParsedCharacterSet(string description, Encoding? standAlone, GraphicSet initialG0, GraphicSet? initialG1, IReadOnlyList<GraphicSet> declared)
    {
        Description = description;
        StandAlone = standAlone;
        InitialG0 = initialG0;
        InitialG1 = initialG1;
        Declared = declared;
    }

    /// <summary>The terms as given, for messages.</summary>
    internal string Description { get; }

    /// <summary>The whole-value encoding for the terms that allow no code extensions; null otherwise.</summary>
    internal Encoding? StandAlone { get; }

    /// <summary>The G0 set active at the start of a value and after each delimiter.</summary>
    internal GraphicSet InitialG0 { get; }

    /// <summary>The G1 set active at the start of a value and after each delimiter (null: none).</summary>
    internal GraphicSet? InitialG1 { get; }

    /// <summary>The sets of the declared terms, value 1 first; ISO-IR 6 is always among them.</summary>
    internal IReadOnlyList<GraphicSet> Declared { get; }

    internal static ParsedCharacterSet DefaultRepertoire { get; } =
        new("ISO_IR 6", null, GraphicSet.Ascii, null, [GraphicSet.Ascii]);

    /// <summary>Resolves the values of (0008,0005); an empty list or an empty value 1 means the default repertoire.</summary>
    internal static ParsedCharacterSet Parse(IReadOnlyList<string>? values, DicomTextErrorMode mode)
    {
        if (values is null || values.Count == 0 || (values.Count == 1 && string.IsNullOrWhiteSpace(values[0])))
        {
            return DefaultRepertoire;
        }

        string description = string.Join('\\', values);
        var terms = new List<CharacterSetTerm>(values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            string value = values[i] ?? string.Empty;
            if (i > 0 && value.Trim(' ', '\0').Length == 0)
            {
                continue;
            }

            var term = CharacterSetTerm.Find(value);
            if (term is null)
            {
                if (mode == DicomTextErrorMode.Throw)
                {
                    throw new DicomException($"Specific Character Set (0008,0005) value {i + 1} '{value}' is not a supported Defined Term.");
                }

                term = CharacterSetTerm.FindLoosely(value) ?? CharacterSetTerm.Default;
            }

            terms.Add(term);
        }

        var first = terms[0];
        if (first.StandAloneEncoding is { } standAlone)
        {
            if (terms.Count > 1 && mode == DicomTextErrorMode.Throw)
            {
                throw new DicomException($"Specific Character Set '{description}': {first.Name} allows no code extensions but has further values.");
            }

            return new ParsedCharacterSet(description, standAlone(), GraphicSet.Ascii, null, [GraphicSet.Ascii]);
        }

        var declared = new List<GraphicSet>();
        foreach (var term in terms)
        {
            if (term.StandAloneEncoding is not null)
            {
                if (mode == DicomTextErrorMode.Throw)
                {
                    throw new DicomException($"Specific Character Set '{description}': {term.Name} cannot be used as a code extension.");
                }

                continue;
            }

            AddOnce(declared, term.G0);
            AddOnce(declared, term.G1);
        }

        AddOnce(declared, GraphicSet.Ascii);
        // A value 1 that names a two-byte G0 set (not allowed, but seen) starts in ASCII and needs an escape sequence.
        var initialG0 = first.G0 is { IsDoubleByte: false } g0 ? g0 : GraphicSet.Ascii;
        return new ParsedCharacterSet(description, null, initialG0, first.G1, declared);
    }

    private static void AddOnce(List<GraphicSet> sets, GraphicSet? set)
    {
        if (set is not null && !sets.Contains(set))
        {
            sets.Add(set);
        }
    }
}
