namespace ContinualSegment.Dicom.Text;

/// <summary>The kinds of ISO 2022 graphic character sets that DICOM names in PS3.3 Tables C.12-3 and C.12-4.</summary>
internal enum GraphicSetKind
{
    /// <summary>ISO-IR 6, ISO 646 (ASCII), a 94-character G0 set.</summary>
    Ascii,

    /// <summary>ISO-IR 14, JIS X 0201 Romaji, a 94-character G0 set (read as ASCII, as DICOM requires for 5CH).</summary>
    JisRoman,

    /// <summary>ISO-IR 13, JIS X 0201 Katakana, a 94-character G1 set.</summary>
    JisKatakana,

    /// <summary>A 96-character G1 set: the right-hand part of an ISO 8859 code page.</summary>
    Iso8859,

    /// <summary>ISO-IR 166, TIS 620-2533 Thai, a 96-character G1 set.</summary>
    Thai,

    /// <summary>ISO-IR 87, JIS X 0208 Kanji, a 94×94 G0 set.</summary>
    Jis0208,

    /// <summary>ISO-IR 159, JIS X 0212 supplementary Kanji, a 94×94 G0 set.</summary>
    Jis0212,

    /// <summary>ISO-IR 149, KS X 1001 Hangul and Hanja, a 94×94 G1 set.</summary>
    Ksx1001,

    /// <summary>ISO-IR 58, GB 2312 Chinese, a 94×94 G1 set.</summary>
    Gb2312,
}
