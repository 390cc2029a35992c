using System.Globalization;
using System.Reflection;
using ContinualSegment.Dicom;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Tests.Iod;

public class SharedEncodingTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1024.0, "-1024")]
    [InlineData(0.9765625, "0.9765625")]
    [InlineData(-249.51171875, "-249.51171875")]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(1.0 / 3.0, "0.33333333333333")]
    [InlineData(-123456789.123456789, "-123456789.12346")]
    [InlineData(1e20, "1E+20")]
    public void Decimal_strings_are_the_shortest_round_trip_text_within_16_characters(double value, string expected)
    {
        Assert.Equal(expected, DicomDecimalString.Format(value));
    }

    [Fact]
    public void Decimal_strings_read_back_as_close_as_16_characters_allow()
    {
        var random = new Random(7);
        Span<char> text = stackalloc char[DicomDecimalString.MaxLength];
        for (int i = 0; i < 10_000; i++)
        {
            double value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20));
            int n = DicomDecimalString.Format(value, text);
            Assert.InRange(n, 1, DicomDecimalString.MaxLength);
            double back = double.Parse(text[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(back - value) <= Math.Abs(value) * 1e-9, $"{value} was written as {text[..n].ToString()}");
        }

        Assert.Equal("0", DicomDecimalString.Format(-0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DicomDecimalString.Format(double.NaN));
    }

    [Fact]
    public void Element_headers_are_encoded_as_the_transfer_syntax_writes_them()
    {
        var header = new byte[DicomDatasetWriter.MaxElementHeaderLength];
        int n = DicomDatasetWriter.EncodeElementHeader(header, DicomTags.PixelData, DicomVR.OB, 0x01020304, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(new byte[] { 0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0x04, 0x03, 0x02, 0x01 }, header[..n]);

        n = DicomDatasetWriter.EncodeElementHeader(header, DicomTags.PixelData, DicomVR.OB, 0x01020304, DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal(new byte[] { 0xE0, 0x7F, 0x10, 0x00, 0x04, 0x03, 0x02, 0x01 }, header[..n]);

        // The same bytes as a whole element written by the data set writer.
        var element = DicomDatasetWriter.ToBytes(new DicomDataset(DicomElement.FromStrings(DicomTags.Modality, DicomVR.CS, "SEG")), DicomTransferSyntax.ExplicitVRLittleEndian);
        n = DicomDatasetWriter.EncodeElementHeader(header, DicomTags.Modality, DicomVR.CS, 4, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(element[..n], header[..n]);
        Assert.Throws<DicomException>(() => DicomDatasetWriter.EncodeElementHeader(header, DicomTags.Modality, DicomVR.CS, 0x10000, DicomTransferSyntax.ExplicitVRLittleEndian));
    }

    [Fact]
    public void Coded_concepts_choose_code_value_long_code_value_or_urn()
    {
        Assert.Equal("10200004", new CodedConcept("10200004", "SCT", "Liver").ToCodeItem().GetString(DicomTags.CodeValue));
        var longCode = new CodedConcept("12345678901234567", "99X", "Long").ToCodeItem();
        Assert.False(longCode.Contains(DicomTags.CodeValue));
        Assert.Equal("12345678901234567", longCode.GetString(DicomTags.LongCodeValue));
        var urn = new CodedConcept("urn:oid:1.2.3", string.Empty, "Urn").ToCodeItem();
        Assert.Equal("urn:oid:1.2.3", urn.GetString(DicomTags.URNCodeValue));
        Assert.False(urn.Contains(DicomTags.CodingSchemeDesignator));
        Assert.Equal(new CodedConcept("12345678901234567", "99X", "Long"), CodedConcept.FromCodeItem(longCode));
    }

    [Theory]
    [InlineData(typeof(DicomDataset), 1000, 1999)]
    [InlineData(typeof(StructureCatalogue), 3000, 3999)]
    public void Log_event_ids_are_unique_and_in_the_project_range(Type anyType, int first, int last)
    {
        var ids = anyType.Assembly.GetTypes()
            .SelectMany(static t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(static m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(static a => a.EventId)
            .ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, first, last));
    }
}
