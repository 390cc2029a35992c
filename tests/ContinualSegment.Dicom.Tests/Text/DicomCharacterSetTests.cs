using System.Text;
using ContinualSegment.Dicom.Text;

namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>Edge cases of the Specific Character Set codec: padding, defaults, bad input and delimiter resets.</summary>
public sealed class DicomCharacterSetTests
{
    private const byte Esc = 0x1B;

    private static readonly string[] NoCharset = [];

    private static readonly string[] Latin1Extension = ["", "ISO 2022 IR 100"];

    [Fact]
    public void Empty_value_and_padding_only_decode_to_empty_string()
    {
        Assert.Equal(string.Empty, DicomCharacterSet.Decode([], NoCharset, "LO"));
        Assert.Equal(string.Empty, DicomCharacterSet.Decode("  \0"u8, NoCharset, "PN", DicomTextErrorMode.Throw));
        Assert.Empty(DicomCharacterSet.Encode(string.Empty, ["ISO_IR 192"], "PN"));
    }

    [Theory]
    [InlineData("LO")]
    [InlineData("LT")]
    [InlineData("PN")]
    public void Trailing_spaces_and_nuls_are_removed_but_leading_spaces_kept(string vr)
    {
        Assert.Equal(" Doe^John", DicomCharacterSet.Decode(" Doe^John \0"u8, NoCharset, vr));
        Assert.Equal("A B", DicomCharacterSet.Decode("A B\0\0"u8, ["ISO_IR 192"], vr));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ISO_IR 6")]
    [InlineData("ISO 2022 IR 6")]
    [InlineData(" ISO_IR 6 ")]
    public void Default_repertoire_is_ascii(string? term)
    {
        string[] charset = term is null ? [] : [term];
        byte[] ascii = Encoding.ASCII.GetBytes("Smith^J. Jr=~{}\\X");
        Assert.Equal("Smith^J. Jr=~{}\\X", DicomCharacterSet.Decode(ascii, charset, "PN", DicomTextErrorMode.Throw));
        Assert.Equal(ascii, DicomCharacterSet.Encode("Smith^J. Jr=~{}\\X", charset, "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void High_bytes_without_a_g1_set_read_as_latin1_or_throw()
    {
        byte[] bytes = [0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65];
        Assert.Equal(Encoding.Latin1.GetString(bytes), DicomCharacterSet.Decode(bytes, NoCharset, "PN"));
        var error = Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, NoCharset, "PN", DicomTextErrorMode.Throw));
        Assert.Contains("offset 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_becomes_replacement_characters_or_throws()
    {
        byte[] bytes = [0x41, 0xC3, 0x28, 0x42];
        string decoded = DicomCharacterSet.Decode(bytes, ["ISO_IR 192"], "LO");
        Assert.StartsWith("A", decoded, StringComparison.Ordinal);
        Assert.EndsWith("(B", decoded, StringComparison.Ordinal);
        Assert.Contains('\uFFFD', decoded);
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["ISO_IR 192"], "LO", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Invalid_gb18030_becomes_replacement_characters_or_throws()
    {
        byte[] bytes = [0x41, 0x81, 0x20, 0x42];
        Assert.Contains('\uFFFD', DicomCharacterSet.Decode(bytes, ["GB18030"], "LO"));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["GB18030"], "LO", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Unknown_term_falls_back_to_default_repertoire_or_throws()
    {
        string[] charset = ["ISO_IR 999"];
        Assert.False(DicomCharacterSet.IsSupported("ISO_IR 999"));
        Assert.Equal("ABC^D", DicomCharacterSet.Decode("ABC^D"u8, charset, "PN"));
        var error = Assert.Throws<DicomException>(() => DicomCharacterSet.Decode("ABC"u8, charset, "PN", DicomTextErrorMode.Throw));
        Assert.Contains("ISO_IR 999", error.Message, StringComparison.Ordinal);
        Assert.Throws<DicomException>(() => DicomCharacterSet.Encode("ABC", charset, "PN", DicomTextErrorMode.Throw));
    }

    [Theory]
    [InlineData("ISO IR 100")]
    [InlineData("ISO-IR 100")]
    [InlineData("ISO_IR100")]
    public void Misspelled_terms_are_accepted_when_replacing(string term)
    {
        byte[] bytes = [0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65];
        string[] charset = [term];
        Assert.False(DicomCharacterSet.IsSupported(term));
        Assert.Equal(Encoding.Latin1.GetString(bytes), DicomCharacterSet.Decode(bytes, charset, "PN"));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, charset, "PN", DicomTextErrorMode.Throw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ISO_IR 6")]
    [InlineData("ISO_IR 100")]
    [InlineData("ISO_IR 101")]
    [InlineData("ISO_IR 109")]
    [InlineData("ISO_IR 110")]
    [InlineData("ISO_IR 144")]
    [InlineData("ISO_IR 127")]
    [InlineData("ISO_IR 126")]
    [InlineData("ISO_IR 138")]
    [InlineData("ISO_IR 148")]
    [InlineData("ISO_IR 166")]
    [InlineData("ISO_IR 13")]
    [InlineData("ISO_IR 192")]
    [InlineData("GB18030")]
    [InlineData("GBK")]
    [InlineData("ISO 2022 IR 6")]
    [InlineData("ISO 2022 IR 100")]
    [InlineData("ISO 2022 IR 13")]
    [InlineData("ISO 2022 IR 87")]
    [InlineData("ISO 2022 IR 159")]
    [InlineData("ISO 2022 IR 149")]
    [InlineData("ISO 2022 IR 58")]
    [InlineData("ISO 2022 IR 166")]
    public void Defined_terms_are_supported(string term) => Assert.True(DicomCharacterSet.IsSupported(term));

    [Theory]
    [InlineData("ISO_IR 87")]
    [InlineData("ISO 2022 IR 192")]
    [InlineData("UTF-8")]
    [InlineData("latin1")]
    public void Other_terms_are_not_supported(string term) => Assert.False(DicomCharacterSet.IsSupported(term));

    [Fact]
    public void Unknown_escape_sequence_becomes_replacement_character_or_throws()
    {
        byte[] bytes = [0x41, Esc, 0x28, 0x5A, 0x42];
        string decoded = DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "LO");
        Assert.StartsWith("A\uFFFD", decoded, StringComparison.Ordinal);
        Assert.EndsWith("B", decoded, StringComparison.Ordinal);
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "LO", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Escape_to_an_undeclared_set_is_honoured_when_replacing_and_rejected_when_strict()
    {
        byte[] bytes = [Esc, 0x24, 0x29, 0x43, 0xB1, 0xE8, 0xC8, 0xF1];
        string declared = DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 149"], "PN", DicomTextErrorMode.Throw);
        Assert.Equal(2, declared.Length);
        Assert.Equal(declared, DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "PN"));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Person_name_delimiters_reset_g1_but_text_delimiters_do_not()
    {
        // ESC - A designates ISO 8859-1 to G1; after '^' a PN value is back to value 1 (no G1 set).
        byte[] bytes = [Esc, 0x2D, 0x41, 0xE9, 0x5E, 0xE9];
        string e = Encoding.Latin1.GetString([0xE9]);
        Assert.Equal($"{e}^{e}", DicomCharacterSet.Decode(bytes, Latin1Extension, "LO", DicomTextErrorMode.Throw));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, Latin1Extension, "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Backslash_resets_multi_valued_vrs_but_not_long_text()
    {
        byte[] bytes = [Esc, 0x2D, 0x41, 0xE9, 0x5C, 0xE9];
        string e = Encoding.Latin1.GetString([0xE9]);
        Assert.Equal($"{e}\\{e}", DicomCharacterSet.Decode(bytes, Latin1Extension, "LT", DicomTextErrorMode.Throw));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, Latin1Extension, "LO", DicomTextErrorMode.Throw));
    }

    [Theory]
    [InlineData(0x0D)]
    [InlineData(0x0A)]
    [InlineData(0x09)]
    [InlineData(0x0C)]
    public void Control_delimiters_reset_every_vr(byte control)
    {
        byte[] bytes = [Esc, 0x2D, 0x41, 0xE9, control, 0xE9];
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, Latin1Extension, "LT", DicomTextErrorMode.Throw));
        byte[] redesignated = [Esc, 0x2D, 0x41, 0xE9, control, Esc, 0x2D, 0x41, 0xE9];
        string e = Encoding.Latin1.GetString([0xE9]);
        Assert.Equal($"{e}{(char)control}{e}", DicomCharacterSet.Decode(redesignated, Latin1Extension, "LT", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Encoder_designates_again_after_each_person_name_delimiter()
    {
        string name = "Jérôme^Люк=Ж";
        string[] charset = ["ISO 2022 IR 100", "ISO 2022 IR 144"];
        byte[] encoded = DicomCharacterSet.Encode(name, charset, "PN", DicomTextErrorMode.Throw);
        Assert.Equal(name, DicomCharacterSet.Decode(encoded, charset, "PN", DicomTextErrorMode.Throw));
        byte[] toCyrillic = [Esc, 0x2D, 0x4C];
        Assert.Equal(2, CountOf(encoded, toCyrillic));
        Assert.Equal(0, CountOf(encoded, [Esc, 0x2D, 0x41]));
    }

    [Fact]
    public void Encoder_returns_g0_to_value_1_before_delimiters_and_at_the_end()
    {
        string name = "山田^太郎";
        string[] charset = ["", "ISO 2022 IR 87"];
        byte[] encoded = DicomCharacterSet.Encode(name, charset, "PN", DicomTextErrorMode.Throw);
        byte[] toAscii = [Esc, 0x28, 0x42];
        Assert.Equal(2, CountOf(encoded, toAscii));
        Assert.True(encoded.AsSpan().EndsWith(toAscii));
        int caret = Array.IndexOf(encoded, (byte)'^');
        Assert.True(encoded.AsSpan(0, caret).EndsWith(toAscii));
        Assert.Equal(name, DicomCharacterSet.Decode(encoded, charset, "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Unencodable_character_becomes_question_mark_or_throws()
    {
        Assert.Equal("A?B"u8.ToArray(), DicomCharacterSet.Encode("AЖB", ["ISO_IR 100"], "LO"));
        Assert.Equal("A?B"u8.ToArray(), DicomCharacterSet.Encode("A\U0001F600B", ["ISO_IR 100"], "LO"));
        var error = Assert.Throws<DicomException>(() => DicomCharacterSet.Encode("AЖB", ["ISO_IR 100"], "LO", DicomTextErrorMode.Throw));
        Assert.Contains("U+0416", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_outside_the_bmp_round_trip_through_utf8_and_gb18030()
    {
        string text = "A\U00020000\U0001F600^B";
        foreach (string term in new[] { "ISO_IR 192", "GB18030" })
        {
            string[] charset = [term];
            byte[] encoded = DicomCharacterSet.Encode(text, charset, "PN", DicomTextErrorMode.Throw);
            Assert.Equal(text, DicomCharacterSet.Decode(encoded, charset, "PN", DicomTextErrorMode.Throw));
        }
    }

    [Fact]
    public void Stand_alone_terms_reject_code_extensions_when_strict()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("Wang^王");
        Assert.Equal("Wang^王", DicomCharacterSet.Decode(bytes, ["ISO_IR 192", "ISO 2022 IR 87"], "PN"));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["ISO_IR 192", "ISO 2022 IR 87"], "PN", DicomTextErrorMode.Throw));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["ISO 2022 IR 100", "GB18030"], "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Truncated_two_byte_character_becomes_replacement_character_or_throws()
    {
        byte[] bytes = [Esc, 0x24, 0x42, 0x3B, 0x33, 0x45];
        string decoded = DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "LO");
        Assert.Equal(2, decoded.Length);
        Assert.Equal('\uFFFD', decoded[1]);
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["", "ISO 2022 IR 87"], "LO", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Vrs_without_specific_character_set_use_the_default_repertoire()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("é");
        Assert.False(DicomCharacterSet.UsesSpecificCharacterSet("CS"));
        Assert.True(DicomCharacterSet.UsesSpecificCharacterSet("UC"));
        Assert.Equal("é", DicomCharacterSet.Decode(bytes, ["ISO_IR 192"], "UC", DicomTextErrorMode.Throw));
        Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, ["ISO_IR 192"], "CS", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Japanese_katakana_g1_and_romaji_g0_of_iso_ir_13()
    {
        string[] charset = ["ISO 2022 IR 13", "ISO 2022 IR 87"];
        string name = "ｱｲ^Doe=山";
        byte[] encoded = DicomCharacterSet.Encode(name, charset, "PN", DicomTextErrorMode.Throw);
        Assert.Equal([0xB1, 0xB2], encoded[..2]);
        byte[] toRomaji = [Esc, 0x28, 0x4A];
        Assert.True(encoded.AsSpan().EndsWith(toRomaji));
        Assert.Equal(name, DicomCharacterSet.Decode(encoded, charset, "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Two_byte_set_as_value_1_still_starts_in_ascii()
    {
        string[] charset = ["ISO 2022 IR 87"];
        Assert.Equal("ABC^D", DicomCharacterSet.Decode("ABC^D"u8, charset, "PN", DicomTextErrorMode.Throw));
        byte[] encoded = DicomCharacterSet.Encode("A山", charset, "PN", DicomTextErrorMode.Throw);
        Assert.Equal((byte)'A', encoded[0]);
        Assert.Equal("A山", DicomCharacterSet.Decode(encoded, charset, "PN", DicomTextErrorMode.Throw));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => DicomCharacterSet.Decode("A"u8, NoCharset, null!));
        Assert.Throws<ArgumentNullException>(() => DicomCharacterSet.Encode(null!, NoCharset, "LO"));
        Assert.False(DicomCharacterSet.IsSupported(null!));
    }

    private static int CountOf(byte[] haystack, byte[] needle)
    {
        int count = 0;
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                count++;
            }
        }

        return count;
    }
}
