using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// The .NET encodings the codec builds on. Code pages beyond the framework's built-in ones come from
/// <see cref="CodePagesEncodingProvider"/> directly, so nothing is registered process-wide.
/// Every encoding here reports failures (no best-fit mapping, no silent replacement): decoders yield
/// U+FFFF for an invalid sequence and encoders yield no bytes for a character they cannot represent,
/// and the callers decide what to do about it.
/// </summary>
internal static class TextEncodings
{
    /// <summary>The character a decoder yields for an invalid byte sequence (a noncharacter, never real text).</summary>
    internal const char Invalid = '\uFFFF';

    private static readonly Lazy<Encoding> Latin1Lazy = new(() => Create(28591));
    private static readonly Lazy<Encoding> Latin2Lazy = new(() => Create(28592));
    private static readonly Lazy<Encoding> Latin3Lazy = new(() => Create(28593));
    private static readonly Lazy<Encoding> Latin4Lazy = new(() => Create(28594));
    private static readonly Lazy<Encoding> CyrillicLazy = new(() => Create(28595));
    private static readonly Lazy<Encoding> ArabicLazy = new(() => Create(28596));
    private static readonly Lazy<Encoding> GreekLazy = new(() => Create(28597));
    private static readonly Lazy<Encoding> HebrewLazy = new(() => Create(28598));
    private static readonly Lazy<Encoding> Latin5Lazy = new(() => Create(28599));
    private static readonly Lazy<Encoding> EucJpLazy = new(() => Create(20932));
    private static readonly Lazy<Encoding> EucKrLazy = new(() => Create(949));
    private static readonly Lazy<Encoding> EucCnLazy = new(() => Create(20936));
    private static readonly Lazy<Encoding> Gb18030Lazy = new(() => Create(54936));
    private static readonly Lazy<Encoding> GbkLazy = new(() => Create(936));
    private static readonly Lazy<Encoding> Utf8Lazy = new(() => Create(65001));

    /// <summary>EUC-JP as Windows code page 20932 defines it: JIS X 0208 as two GR bytes, JIS X 0212 as GR then GL byte.</summary>
    internal static Encoding EucJp => EucJpLazy.Value;

    /// <summary>
    /// Korean code page 949; its two-GR-byte codes are KS X 1001 (code page 51949 decodes 0xB4D3 differently from
    /// the KS X 1001 mapping).
    /// </summary>
    internal static Encoding EucKr => EucKrLazy.Value;

    /// <summary>GB 2312 in EUC form, code page 20936 (the code pages 936 and 51936 map 0xA1A4 and 0xA1AA differently).</summary>
    internal static Encoding EucCn => EucCnLazy.Value;

    internal static Encoding Gb18030 => Gb18030Lazy.Value;

    internal static Encoding Gbk => GbkLazy.Value;

    internal static Encoding Utf8 => Utf8Lazy.Value;

    internal static Encoding Iso8859(int codePage) => codePage switch
    {
        28591 => Latin1Lazy.Value,
        28592 => Latin2Lazy.Value,
        28593 => Latin3Lazy.Value,
        28594 => Latin4Lazy.Value,
        28595 => CyrillicLazy.Value,
        28596 => ArabicLazy.Value,
        28597 => GreekLazy.Value,
        28598 => HebrewLazy.Value,
        28599 => Latin5Lazy.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(codePage), codePage, "Not an ISO 8859 code page used by DICOM."),
    };

    private static Encoding Create(int codePage)
    {
        var encoderFallback = new EncoderReplacementFallback(string.Empty);
        var decoderFallback = new DecoderReplacementFallback(Invalid.ToString());
        return codePage switch
        {
            65001 => CloneWith(new UTF8Encoding(false, false), encoderFallback, decoderFallback),
            28591 => CloneWith(Encoding.Latin1, encoderFallback, decoderFallback),
            _ => CodePagesEncodingProvider.Instance.GetEncoding(codePage, encoderFallback, decoderFallback)
                ?? throw new DicomException($"Code page {codePage} is not available on this platform."),
        };
    }

    private static Encoding CloneWith(Encoding encoding, EncoderFallback encoderFallback, DecoderFallback decoderFallback)
    {
        var clone = (Encoding)encoding.Clone();
        clone.EncoderFallback = encoderFallback;
        clone.DecoderFallback = decoderFallback;
        return clone;
    }
}
