using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>
/// Builds an RT Structure Set (PS3.3 A.19) from label maps on a CT grid: per slice and ROI, marching
/// squares on the ROI's bounding box, holes by keyhole (or CLOSEDPLANAR_XOR), thinning with a bounded
/// error, points in patient coordinates with DS values of at most 16 characters, each contour
/// referencing its CT image.
/// </summary>
public static class RtStructBuilder
{
    /// <summary>SOP Class UID of RT Structure Set Storage.</summary>
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.481.3";

    // Referenced SOP Class for the study in RT Referenced Study Sequence (Detached Study Management),
    // as RT Structure Sets conventionally carry it.
    private const string StudyReferenceSopClassUid = "1.2.840.10008.3.1.2.3.1";
    private const int MaxExplicitLength = 0xFFFE;

    private static readonly string[] CopiedPatientStudy =
    [
        "SpecificCharacterSet", "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge",
        "StudyInstanceUID", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber", "StudyDescription",
    ];

    private static readonly string[] TypeTwo =
    [
        "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber",
    ];

    /// <summary>Builds the structure set; the result is written in Explicit VR LE unless a value needs 32-bit lengths.</summary>
    /// <param name="request">CT reference, label maps and ROIs.</param>
    /// <param name="options">Contouring and labelling.</param>
    /// <param name="seriesInstanceUid">UID of the new series (generated when null).</param>
    /// <param name="sopInstanceUid">UID of the new instance (generated when null; give the same on retry for idempotent delivery).</param>
    /// <param name="now">Creation time stamp.</param>
    public static DicomFile Build(RtStructRequest request, RtStructOptions options, string? seriesInstanceUid, string? sopInstanceUid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Validate(request);

        var seriesUid = seriesInstanceUid ?? DicomUid.Generate();
        var sopUid = sopInstanceUid ?? DicomUid.Generate();
        DicomUid.Validate(seriesUid);
        DicomUid.Validate(sopUid);

        var ds = new DicomDataset();
        foreach (var keyword in CopiedPatientStudy)
        {
            if (request.Source.TryGetElement(Tag(keyword), out var element))
            {
                ds.AddOrUpdate(element);
            }
        }

        foreach (var keyword in TypeTwo)
        {
            if (!ds.Contains(Tag(keyword)))
            {
                Put(ds, keyword);
            }
        }

        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = now.ToString("HHmmss", CultureInfo.InvariantCulture);
        Put(ds, "SOPClassUID", SopClassUid);
        Put(ds, "SOPInstanceUID", sopUid);
        Put(ds, "InstanceCreationDate", date);
        Put(ds, "InstanceCreationTime", time);
        Put(ds, "Modality", "RTSTRUCT");
        Put(ds, "SeriesInstanceUID", seriesUid);
        Put(ds, "SeriesNumber", "9901");
        Put(ds, "SeriesDescription", options.SeriesDescription);
        Put(ds, "OperatorsName");
        Put(ds, "Manufacturer", options.Manufacturer);
        Put(ds, "ManufacturerModelName", options.ModelName);
        Put(ds, "SoftwareVersions", options.SoftwareVersion);
        Put(ds, "InstanceNumber", "1");
        Put(ds, "FrameOfReferenceUID", request.FrameOfReferenceUid);
        Put(ds, "PositionReferenceIndicator");
        Put(ds, "StructureSetLabel", options.Label);
        Put(ds, "StructureSetName", options.Label);
        Put(ds, "StructureSetDate", date);
        Put(ds, "StructureSetTime", time);

        var studyUid = ds.GetString(Tag("StudyInstanceUID"));
        ds.Add(new DicomSequence(Tag("ReferencedFrameOfReferenceSequence"), ReferencedFrameOfReference(request, studyUid)));

        var structureSetRois = new List<DicomDataset>();
        var roiContours = new List<DicomDataset>();
        var observations = new List<DicomDataset>();
        var maxValueLength = 0;
        var boxes = SliceBoxes.Compute(request.Layers, request.Rois);
        foreach (var roi in request.Rois)
        {
            var roiItem = new DicomDataset();
            Put(roiItem, "ROINumber", roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(roiItem, "ReferencedFrameOfReferenceUID", request.FrameOfReferenceUid);
            Put(roiItem, "ROIName", roi.Name);
            if (roi.Description is not null)
            {
                Put(roiItem, "ROIDescription", roi.Description);
            }

            Put(roiItem, "ROIGenerationAlgorithm", "AUTOMATIC");
            Put(roiItem, "ROIGenerationDescription", options.AlgorithmDescription);
            structureSetRois.Add(roiItem);

            var contours = Contours(request, roi, boxes, options, ref maxValueLength);
            var contourItem = new DicomDataset();
            Put(contourItem, "ROIDisplayColor", roi.Colour.R.ToString(CultureInfo.InvariantCulture), roi.Colour.G.ToString(CultureInfo.InvariantCulture), roi.Colour.B.ToString(CultureInfo.InvariantCulture));
            if (contours.Count > 0)
            {
                contourItem.Add(new DicomSequence(Tag("ContourSequence"), contours));
            }

            Put(contourItem, "ReferencedROINumber", roi.Number.ToString(CultureInfo.InvariantCulture));
            roiContours.Add(contourItem);

            var observation = new DicomDataset();
            Put(observation, "ObservationNumber", roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(observation, "ReferencedROINumber", roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(observation, "RTROIInterpretedType", roi.InterpretedType);
            Put(observation, "ROIInterpreter");
            if (roi.TypeCode is { } code)
            {
                observation.Add(new DicomSequence(Tag("RTROIIdentificationCodeSequence"), Code(code)));
            }

            observations.Add(observation);
        }

        ds.Add(new DicomSequence(Tag("StructureSetROISequence"), structureSetRois));
        ds.Add(new DicomSequence(Tag("ROIContourSequence"), roiContours));
        ds.Add(new DicomSequence(Tag("RTROIObservationsSequence"), observations));

        var syntax = maxValueLength > MaxExplicitLength ? DicomTransferSyntax.ImplicitVRLittleEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        return new DicomFile(ds, syntax);
    }

    /// <summary>Formats a coordinate as a DS value of at most 16 characters (0.01 mm resolution).</summary>
    public static string FormatDs(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e9)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "coordinate cannot be written as DS");
        }

        var text = Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    private static void Validate(RtStructRequest request)
    {
        ArgumentNullException.ThrowIfNull(request.Source);
        ArgumentNullException.ThrowIfNull(request.Images);
        ArgumentNullException.ThrowIfNull(request.Layers);
        ArgumentNullException.ThrowIfNull(request.Rois);
        DicomUid.Validate(request.FrameOfReferenceUid);
        if (request.Layers.Count == 0)
        {
            throw new ArgumentException("at least one label map is needed", nameof(request));
        }

        var first = request.Layers[0];
        foreach (var layer in request.Layers)
        {
            if (layer.SizeX != first.SizeX || layer.SizeY != first.SizeY || layer.SizeZ != first.SizeZ)
            {
                throw new ArgumentException("all label maps must share one grid", nameof(request));
            }
        }

        if (request.Images.Count != first.SizeZ)
        {
            throw new ArgumentException($"{request.Images.Count} referenced images for {first.SizeZ} slices", nameof(request));
        }

        foreach (var image in request.Images)
        {
            DicomUid.Validate(image.SopClassUid);
            DicomUid.Validate(image.SopInstanceUid);
        }

        if (!request.Source.Contains(Tag("StudyInstanceUID")) || !request.Source.Contains(Tag("SeriesInstanceUID")))
        {
            throw new ArgumentException("the source attributes need Study and Series Instance UIDs", nameof(request));
        }

        var numbers = new HashSet<int>();
        foreach (var roi in request.Rois)
        {
            if (roi.Number < 1 || !numbers.Add(roi.Number))
            {
                throw new ArgumentException($"ROI number {roi.Number} is not positive or not unique", nameof(request));
            }

            if (roi.Layer < 0 || roi.Layer >= request.Layers.Count)
            {
                throw new ArgumentException($"ROI {roi.Number} names layer {roi.Layer}, which does not exist", nameof(request));
            }

            if (string.IsNullOrWhiteSpace(roi.Name) || roi.Name.Length > 64)
            {
                throw new ArgumentException($"ROI {roi.Number} needs a name of 1 to 64 characters", nameof(request));
            }

            if (roi.InterpretedType is not ("ORGAN" or "GTV" or "CTV" or "PTV" or "AVOIDANCE" or "EXTERNAL" or "CAVITY" or "CONTROL" or "MARKER" or "ISOCENTER" or "BOLUS" or "TREATED_VOLUME" or "IRRAD_VOLUME" or "SUPPORT" or "FIXATION" or "CONTRAST_AGENT" or "REGISTRATION" or "DOSE_REGION"))
            {
                throw new ArgumentException($"ROI {roi.Number} has interpreted type '{roi.InterpretedType}', which is not a defined term", nameof(request));
            }
        }
    }

    private static DicomDataset ReferencedFrameOfReference(RtStructRequest request, string studyUid)
    {
        var images = request.Images.Select(ImageReference).ToList();
        var series = new DicomDataset();
        Put(series, "SeriesInstanceUID", request.Source.GetString(Tag("SeriesInstanceUID")));
        series.Add(new DicomSequence(Tag("ContourImageSequence"), images));

        var study = new DicomDataset();
        Put(study, "ReferencedSOPClassUID", StudyReferenceSopClassUid);
        Put(study, "ReferencedSOPInstanceUID", studyUid);
        study.Add(new DicomSequence(Tag("RTReferencedSeriesSequence"), series));

        var frame = new DicomDataset();
        Put(frame, "FrameOfReferenceUID", request.FrameOfReferenceUid);
        frame.Add(new DicomSequence(Tag("RTReferencedStudySequence"), study));
        return frame;
    }

    private static List<DicomDataset> Contours(RtStructRequest request, RtRoi roi, SliceBoxes boxes, RtStructOptions options, ref int maxValueLength)
    {
        var layer = request.Layers[roi.Layer];
        var geometry = layer.Geometry;
        var sliceSize = layer.SizeX * layer.SizeY;
        var geometricType = options.Holes == HoleMode.Keyhole ? "CLOSED_PLANAR" : "CLOSEDPLANAR_XOR";
        var items = new List<DicomDataset>();
        var contourNumber = 1;
        for (var z = 0; z < layer.SizeZ; z++)
        {
            if (boxes.Get(roi.Layer, roi.Label, z) is not { } box)
            {
                continue;
            }

            var slice = new ReadOnlySpan<ushort>(layer.Data, z * sliceSize, sliceSize);
            var polygons = SliceContourer.Contour(slice, layer.SizeX, layer.SizeY, roi.Label, box, geometry.Spacing.X, geometry.Spacing.Y, options.ToleranceMm, options.Holes);
            foreach (var polygon in polygons)
            {
                var values = new string[polygon.Points.Count * 3];
                var length = -1;
                for (var p = 0; p < polygon.Points.Count; p++)
                {
                    var world = geometry.IndexToWorld(polygon.Points[p].X, polygon.Points[p].Y, z);
                    values[p * 3] = FormatDs(world.X);
                    values[(p * 3) + 1] = FormatDs(world.Y);
                    values[(p * 3) + 2] = FormatDs(world.Z);
                    length += values[p * 3].Length + values[(p * 3) + 1].Length + values[(p * 3) + 2].Length + 3;
                }

                maxValueLength = Math.Max(maxValueLength, length);
                var item = new DicomDataset();
                item.Add(new DicomSequence(Tag("ContourImageSequence"), ImageReference(request.Images[z])));
                Put(item, "ContourGeometricType", geometricType);
                Put(item, "NumberOfContourPoints", polygon.Points.Count.ToString(CultureInfo.InvariantCulture));
                Put(item, "ContourNumber", contourNumber.ToString(CultureInfo.InvariantCulture));
                contourNumber++;
                Put(item, "ContourData", values);
                items.Add(item);
            }
        }

        return items;
    }

    private static DicomDataset ImageReference(RtReferencedImage image)
    {
        var item = new DicomDataset();
        Put(item, "ReferencedSOPClassUID", image.SopClassUid);
        Put(item, "ReferencedSOPInstanceUID", image.SopInstanceUid);
        return item;
    }

    private static DicomDataset Code(CodedConcept code)
    {
        var item = new DicomDataset();
        Put(item, "CodeValue", code.Code);
        Put(item, "CodingSchemeDesignator", code.Scheme);
        Put(item, "CodeMeaning", code.Meaning);
        return item;
    }

    private static DicomTag Tag(string keyword) => DicomDictionary.TagOf(keyword);

    private static void Put(DicomDataset ds, string keyword, params string[] values)
    {
        var tag = Tag(keyword);
        ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
    }
}
