using System.Globalization;
using System.Runtime.InteropServices;
using ContinualSegment.Dicom;

namespace ContinualSegment.Benchmarks;

/// <summary>
/// Writes a synthetic but realistically shaped CT series (CT Image Storage, Explicit VR Little Endian,
/// 512×512 16-bit pixels, about a hundred header elements with sequences and a private block) with the
/// toolkit's own writer, into a cache folder that later runs reuse.
/// </summary>
public static class CtSeriesGenerator
{
    /// <summary>Number of slices in the generated series.</summary>
    public const int SliceCount = 300;

    /// <summary>Rows and columns of every slice.</summary>
    public const int Size = 512;

    private const string Version = "v1";
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string PrivateCreator = "CSEG BENCHMARK";

    /// <summary>The cache folder: $CSEG_BENCH_DATA, or cseg-bench-data under the temporary folder.</summary>
    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable("CSEG_BENCH_DATA") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "cseg-bench-data");

    /// <summary>Returns the series file paths in slice order, writing them first when the cache is missing or incomplete.</summary>
    public static IReadOnlyList<string> Ensure(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var seriesFolder = Path.Combine(folder, "ct-series-" + Version);
        var marker = Path.Combine(seriesFolder, "complete");
        var paths = Enumerable.Range(1, SliceCount)
            .Select(i => Path.Combine(seriesFolder, string.Create(CultureInfo.InvariantCulture, $"CT{i:D4}.dcm")))
            .ToArray();
        if (File.Exists(marker) && paths.All(File.Exists))
        {
            return paths;
        }

        Directory.CreateDirectory(seriesFolder);
        var studyUid = DicomUid.Generate();
        var seriesUid = DicomUid.Generate();
        var frameOfReferenceUid = DicomUid.Generate();
        for (var i = 0; i < SliceCount; i++)
        {
            var dataset = BuildSlice(i, studyUid, seriesUid, frameOfReferenceUid);
            new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(paths[i]);
        }

        File.WriteAllText(marker, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return paths;
    }

    /// <summary>The Image Pixel description shared by every generated slice.</summary>
    public static Dicom.Codecs.ImagePixelDescription PixelDescription =>
        Dicom.Codecs.ImagePixelDescription.Monochrome(Size, Size, 16, 12, signed: false);

    private static DicomDataset BuildSlice(int index, string studyUid, string seriesUid, string frameOfReferenceUid)
    {
        var ds = new DicomDataset();
        var instance = index + 1;
        var z = -450.0 + (index * 1.25);
        var sopInstanceUid = DicomUid.Generate();
        var inv = CultureInfo.InvariantCulture;

        // SOP Common, General Study, Patient
        Text(ds, "SpecificCharacterSet", "ISO_IR 100");
        Text(ds, "ImageType", "ORIGINAL", "PRIMARY", "AXIAL");
        Text(ds, "InstanceCreationDate", "20260115");
        Text(ds, "InstanceCreationTime", "101502.123456");
        Text(ds, "SOPClassUID", CtImageStorage);
        Text(ds, "SOPInstanceUID", sopInstanceUid);
        Text(ds, "StudyDate", "20260115");
        Text(ds, "SeriesDate", "20260115");
        Text(ds, "AcquisitionDate", "20260115");
        Text(ds, "ContentDate", "20260115");
        Text(ds, "StudyTime", "100512");
        Text(ds, "SeriesTime", "101033");
        Text(ds, "AcquisitionTime", "101455.250000");
        Text(ds, "ContentTime", "101455.250000");
        Text(ds, "AccessionNumber", "ACC20260115001");
        Text(ds, "Modality", "CT");
        Text(ds, "Manufacturer", "Example Medical Systems");
        Text(ds, "InstitutionName", "General Hospital Radiotherapy");
        Text(ds, "InstitutionAddress", "1 Hospital Road, Springfield");
        Text(ds, "ReferringPhysicianName", "Referrer^Robert^^Dr");
        Text(ds, "StationName", "CTSIM01");
        Text(ds, "StudyDescription", "CT THORAX ABDOMEN PELVIS RT PLANNING");
        Text(ds, "SeriesDescription", "Planning CT 1.25mm Br40");
        Text(ds, "InstitutionalDepartmentName", "Radiation Oncology");
        Text(ds, "PhysiciansOfRecord", "Oncologist^Olivia");
        Text(ds, "OperatorsName", "Tech^Terry");
        Text(ds, "ManufacturerModelName", "Scanner 128");
        ds.Add(new DicomSequence(
            DicomDictionary.TagOf("ProcedureCodeSequence"),
            new DicomDataset(
                Str("CodeValue", "CTTAP"),
                Str("CodingSchemeDesignator", "99LOCAL"),
                Str("CodeMeaning", "CT thorax abdomen pelvis"))));
        ds.Add(new DicomSequence(
            DicomDictionary.TagOf("ReferencedStudySequence"),
            new DicomDataset(
                Str("ReferencedSOPClassUID", "1.2.840.10008.3.1.2.3.1"),
                Str("ReferencedSOPInstanceUID", studyUid + ".1"))));
        ds.Add(new DicomSequence(
            DicomDictionary.TagOf("SourceImageSequence"),
            new DicomDataset(
                Str("ReferencedSOPClassUID", CtImageStorage),
                Str("ReferencedSOPInstanceUID", sopInstanceUid + ".9"))));
        Text(ds, "PatientName", "Bench^Patient^Q^^");
        Text(ds, "PatientID", "BENCH-000123");
        Text(ds, "IssuerOfPatientID", "HOSPITAL");
        Text(ds, "PatientBirthDate", "19580704");
        Text(ds, "PatientSex", "F");
        Text(ds, "EthnicGroup", "UNKNOWN");
        Text(ds, "PatientAge", "067Y");
        Text(ds, "PatientSize", "1.68");
        Text(ds, "PatientWeight", "71.5");
        Text(ds, "PatientComments", "Synthetic benchmark patient");

        // General Series, CT Image, Acquisition
        Text(ds, "BodyPartExamined", "CHEST");
        Text(ds, "ScanOptions", "HELICAL MODE");
        Text(ds, "SliceThickness", "1.25");
        Text(ds, "KVP", "120");
        Text(ds, "DataCollectionDiameter", "500");
        Text(ds, "DeviceSerialNumber", "SN-0042");
        Text(ds, "SoftwareVersions", "VA40", "SP2");
        Text(ds, "ProtocolName", "RT Thorax Abdomen");
        Text(ds, "ReconstructionDiameter", "500");
        Text(ds, "DistanceSourceToDetector", "1085.6");
        Text(ds, "DistanceSourceToPatient", "595");
        Text(ds, "GantryDetectorTilt", "0");
        Text(ds, "TableHeight", "162");
        Text(ds, "RotationDirection", "CW");
        Text(ds, "ExposureTime", "500");
        Text(ds, "XRayTubeCurrent", "250");
        Text(ds, "Exposure", "125");
        Text(ds, "FilterType", "FLAT");
        Text(ds, "GeneratorPower", "30");
        Text(ds, "FocalSpots", "1.2");
        Text(ds, "ConvolutionKernel", "Br40");
        Text(ds, "PatientPosition", "HFS");
        Double(ds, "RevolutionTime", 0.5);
        Double(ds, "SingleCollimationWidth", 0.6);
        Double(ds, "TotalCollimationWidth", 38.4);
        Double(ds, "TableSpeed", 46);
        Double(ds, "SpiralPitchFactor", 0.8);
        Text(ds, "StudyInstanceUID", studyUid);
        Text(ds, "SeriesInstanceUID", seriesUid);
        Text(ds, "StudyID", "1");
        Text(ds, "SeriesNumber", "3");
        Text(ds, "AcquisitionNumber", "1");
        Text(ds, "InstanceNumber", instance.ToString(inv));

        // Image Plane, Frame of Reference
        Text(ds, "ImagePositionPatient", "-249.51171875", "-412.51171875", z.ToString("0.###", inv));
        Text(ds, "ImageOrientationPatient", "1", "0", "0", "0", "1", "0");
        Text(ds, "FrameOfReferenceUID", frameOfReferenceUid);
        Text(ds, "PositionReferenceIndicator", "XY");
        Text(ds, "SliceLocation", z.ToString("0.###", inv));

        // Image Pixel, CT Image pixel attributes, VOI LUT
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1));
        Text(ds, "PhotometricInterpretation", "MONOCHROME2");
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.Rows, DicomVR.US, Size));
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.Columns, DicomVR.US, Size));
        Text(ds, "PixelSpacing", "0.9765625", "0.9765625");
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.BitsAllocated, DicomVR.US, 16));
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.BitsStored, DicomVR.US, 12));
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.HighBit, DicomVR.US, 11));
        ds.Add(DicomElement.FromValues<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0));
        ds.Add(DicomElement.FromValues<ushort>(DicomDictionary.TagOf("SmallestImagePixelValue"), DicomVR.US, 0));
        ds.Add(DicomElement.FromValues<ushort>(DicomDictionary.TagOf("LargestImagePixelValue"), DicomVR.US, 4095));
        Text(ds, "WindowCenter", "40", "-600");
        Text(ds, "WindowWidth", "400", "1500");
        Text(ds, "RescaleIntercept", "-1024");
        Text(ds, "RescaleSlope", "1");
        Text(ds, "RescaleType", "HU");
        Text(ds, "WindowCenterWidthExplanation", "WINDOW1", "WINDOW2");

        // Private block
        var group = (ushort)0x0029;
        ds.Add(DicomElement.FromStrings(ds.GetPrivateTag(group, PrivateCreator, 0x01), DicomVR.LO, "reconstruction-profile-7"));
        ds.Add(DicomElement.FromValues(ds.GetPrivateTag(group, PrivateCreator, 0x02), DicomVR.FD, 0.5, 1.25, 38.4));
        ds.Add(DicomElement.FromValues(ds.GetPrivateTag(group, PrivateCreator, 0x03), DicomVR.SL, 1, 2, 3, 4));
        ds.Add(new DicomElement(ds.GetPrivateTag(group, PrivateCreator, 0x10), DicomVR.OB, MakePrivateBlob(index)));

        ds.Add(new DicomElement(DicomTags.PixelData, DicomVR.OW, MakePixels(index)));
        return ds;
    }

    private static void Text(DicomDataset ds, string keyword, params string[] values) => ds.Add(Str(keyword, values));

    private static void Double(DicomDataset ds, string keyword, double value) =>
        ds.Add(DicomElement.FromValues(DicomDictionary.TagOf(keyword), DicomVR.FD, value));

    private static DicomElement Str(string keyword, params string[] values)
    {
        var tag = DicomDictionary.TagOf(keyword);
        return DicomElement.FromStrings(tag, DicomDictionary.DefaultVR(tag), values);
    }

    private static byte[] MakePrivateBlob(int index)
    {
        var blob = new byte[2048];
        new Random(index + 17).NextBytes(blob);
        return blob;
    }

    /// <summary>
    /// A torso-like phantom in stored values (HU + 1024, 12 bits): air outside an elliptic body, soft tissue
    /// with noise, two lungs, a spine and a couch line; varies slowly along the series.
    /// </summary>
    private static byte[] MakePixels(int index)
    {
        var pixels = new ushort[Size * Size];
        var rng = new Random(1000 + index);
        var phase = index / (double)SliceCount;
        var bodyA = 200.0 + (20.0 * Math.Sin(phase * Math.PI));
        var bodyB = 140.0 + (10.0 * Math.Sin(phase * Math.PI));
        var lungScale = Math.Max(0.0, Math.Sin(phase * Math.PI * 1.3));
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                double dx = x - 256, dy = y - 250;
                int hu;
                if (y is >= 420 and < 426)
                {
                    hu = 200;   // couch
                }
                else if ((dx * dx / (bodyA * bodyA)) + (dy * dy / (bodyB * bodyB)) > 1.0)
                {
                    hu = -1000;
                }
                else if (InEllipse(dx + 90, dy + 10, 60 * lungScale, 90 * lungScale) || InEllipse(dx - 90, dy + 10, 60 * lungScale, 90 * lungScale))
                {
                    hu = -820;
                }
                else if (InEllipse(dx, dy - 95, 22, 20))
                {
                    hu = 700;   // vertebra
                }
                else if (bodyA - Math.Abs(dx) < 12 && Math.Abs(dy) < 40)
                {
                    hu = -100;  // fat edge
                }
                else
                {
                    hu = 45;
                }

                var noisy = hu + (hu > -900 ? rng.Next(-18, 19) : rng.Next(-3, 4));
                pixels[(y * Size) + x] = (ushort)Math.Clamp(noisy + 1024, 0, 4095);
            }
        }

        return MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
    }

    private static bool InEllipse(double dx, double dy, double a, double b) =>
        a > 0 && b > 0 && ((dx * dx / (a * a)) + (dy * dy / (b * b))) <= 1.0;
}
