using System.Globalization;
using System.Runtime.ExceptionServices;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Contours;
using ContinualSegment.Imaging.Iod;

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

    private static readonly DicomTag[] CopiedPatientStudy =
    [
        DicomTags.SpecificCharacterSet, DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.PatientAge,
        DicomTags.StudyInstanceUID, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName, DicomTags.StudyID, DicomTags.AccessionNumber, DicomTags.StudyDescription,
    ];

    /// <summary>Builds the structure set; the result is written in Explicit VR LE unless a value needs 32-bit lengths.</summary>
    /// <param name="request">CT reference, label maps and ROIs.</param>
    /// <param name="options">Contouring and labelling.</param>
    /// <param name="seriesInstanceUid">UID of the new series (generated when null).</param>
    /// <param name="sopInstanceUid">UID of the new instance (generated when null; give the same on retry for idempotent delivery).</param>
    /// <param name="now">Creation time stamp (the caller reads it from its clock).</param>
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

        var created = DicomTimestamp.From(now, fractionalSeconds: false);
        var ds = new DicomDataset();
        CommonModules.AddPatientStudy(ds, request.Source, CopiedPatientStudy);
        CommonModules.AddSopCommon(ds, SopClassUid, sopUid, created);
        CommonModules.AddGeneralSeries(ds, "RTSTRUCT", seriesUid, 9901, options.SeriesDescription, null);
        Put(ds, DicomTags.OperatorsName);
        CommonModules.AddEquipment(ds, options.Manufacturer, options.ModelName, null, options.SoftwareVersion);
        Put(ds, DicomTags.InstanceNumber, "1");
        CommonModules.AddFrameOfReference(ds, request.FrameOfReferenceUid);
        Put(ds, DicomTags.StructureSetLabel, options.Label);
        Put(ds, DicomTags.StructureSetName, options.Label);
        Put(ds, DicomTags.StructureSetDate, created.Date);
        Put(ds, DicomTags.StructureSetTime, created.Time);

        var studyUid = ds.GetString(DicomTags.StudyInstanceUID);
        ds.Add(new DicomSequence(DicomTags.ReferencedFrameOfReferenceSequence, ReferencedFrameOfReference(request, studyUid)));

        var structureSetRois = new List<DicomDataset>();
        var roiContours = new List<DicomDataset>();
        var observations = new List<DicomDataset>();
        var boxes = SliceBoxes.Compute(request.Layers, request.Rois);

        // ROIs are contoured independently (the label maps are only read), so in parallel; items keep ROI order.
        var contoursByRoi = new List<DicomDataset>[request.Rois.Count];
        var longestByRoi = new int[request.Rois.Count];
        try
        {
            Parallel.For(0, request.Rois.Count, r => contoursByRoi[r] = Contours(request, request.Rois[r], boxes, options, out longestByRoi[r]));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // Throw what the contouring threw (e.g. a coordinate DS cannot hold), not the wrapper.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        var maxValueLength = longestByRoi.Length == 0 ? 0 : longestByRoi.Max();
        for (var r = 0; r < request.Rois.Count; r++)
        {
            var roi = request.Rois[r];
            var roiItem = new DicomDataset();
            Put(roiItem, DicomTags.ROINumber, roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(roiItem, DicomTags.ReferencedFrameOfReferenceUID, request.FrameOfReferenceUid);
            Put(roiItem, DicomTags.ROIName, roi.Name);
            if (roi.Description is not null)
            {
                Put(roiItem, DicomTags.ROIDescription, roi.Description);
            }

            Put(roiItem, DicomTags.ROIGenerationAlgorithm, "AUTOMATIC");
            Put(roiItem, DicomTags.ROIGenerationDescription, options.AlgorithmDescription);
            structureSetRois.Add(roiItem);

            var contours = contoursByRoi[r];
            var contourItem = new DicomDataset();
            Put(contourItem, DicomTags.ROIDisplayColor, roi.Colour.R.ToString(CultureInfo.InvariantCulture), roi.Colour.G.ToString(CultureInfo.InvariantCulture), roi.Colour.B.ToString(CultureInfo.InvariantCulture));
            if (contours.Count > 0)
            {
                contourItem.Add(new DicomSequence(DicomTags.ContourSequence, contours));
            }

            Put(contourItem, DicomTags.ReferencedROINumber, roi.Number.ToString(CultureInfo.InvariantCulture));
            roiContours.Add(contourItem);

            var observation = new DicomDataset();
            Put(observation, DicomTags.ObservationNumber, roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(observation, DicomTags.ReferencedROINumber, roi.Number.ToString(CultureInfo.InvariantCulture));
            Put(observation, DicomTags.RTROIInterpretedType, roi.InterpretedType);
            Put(observation, DicomTags.ROIInterpreter);
            if (roi.TypeCode is { } code)
            {
                observation.Add(new DicomSequence(DicomTags.RTROIIdentificationCodeSequence, code.ToCodeItem()));
            }

            observations.Add(observation);
        }

        ds.Add(new DicomSequence(DicomTags.StructureSetROISequence, structureSetRois));
        ds.Add(new DicomSequence(DicomTags.ROIContourSequence, roiContours));
        ds.Add(new DicomSequence(DicomTags.RTROIObservationsSequence, observations));

        var syntax = maxValueLength > MaxExplicitLength ? DicomTransferSyntax.ImplicitVRLittleEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        return new DicomFile(ds, syntax);
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
            if (image is null)
            {
                continue;
            }

            DicomUid.Validate(image.SopClassUid);
            DicomUid.Validate(image.SopInstanceUid);
            ArgumentOutOfRangeException.ThrowIfNegative(image.FrameNumber);
        }

        if (request.Images.All(static i => i is null))
        {
            throw new ArgumentException("no slice has a referenced image", nameof(request));
        }

        if (!request.Source.Contains(DicomTags.StudyInstanceUID) || !request.Source.Contains(DicomTags.SeriesInstanceUID))
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
        // Each instance once; a multi-frame instance lists the frames the slices use.
        var images = request.Images.OfType<RtReferencedImage>()
            .GroupBy(static i => (i.SopClassUid, i.SopInstanceUid))
            .Select(static g => CommonModules.ImageReference(g.Key.SopClassUid, g.Key.SopInstanceUid, [.. g.Select(static i => i.FrameNumber).Where(static f => f > 0).Distinct().Order()]))
            .ToList();
        var series = new DicomDataset();
        Put(series, DicomTags.SeriesInstanceUID, request.Source.GetString(DicomTags.SeriesInstanceUID));
        series.Add(new DicomSequence(DicomTags.ContourImageSequence, images));

        var study = new DicomDataset();
        Put(study, DicomTags.ReferencedSOPClassUID, StudyReferenceSopClassUid);
        Put(study, DicomTags.ReferencedSOPInstanceUID, studyUid);
        study.Add(new DicomSequence(DicomTags.RTReferencedSeriesSequence, series));

        var frame = new DicomDataset();
        Put(frame, DicomTags.FrameOfReferenceUID, request.FrameOfReferenceUid);
        frame.Add(new DicomSequence(DicomTags.RTReferencedStudySequence, study));
        return frame;
    }

    private static List<DicomDataset> Contours(RtStructRequest request, RtRoi roi, SliceBoxes boxes, RtStructOptions options, out int maxValueLength)
    {
        var layer = request.Layers[roi.Layer];
        var geometry = layer.Geometry;
        var sliceSize = layer.SizeX * layer.SizeY;
        var geometricType = options.Holes == HoleMode.Keyhole ? "CLOSED_PLANAR" : "CLOSEDPLANAR_XOR";
        var items = new List<DicomDataset>();
        var contourNumber = 1;
        var labels = roi.AllLabels;
        var text = new ContourDataText();
        maxValueLength = 0;
        for (var z = 0; z < layer.SizeZ; z++)
        {
            if (boxes.Get(roi.Layer, labels, z) is not { } box)
            {
                continue;
            }

            var slice = new ReadOnlySpan<ushort>(layer.Data, z * sliceSize, sliceSize);
            var polygons = SliceContourer.Contour(slice, layer.SizeX, layer.SizeY, labels, box, geometry.Spacing.X, geometry.Spacing.Y, options.ToleranceMm, options.Holes);
            foreach (var polygon in polygons)
            {
                text.Clear();
                foreach (var point in polygon.Points)
                {
                    var world = geometry.IndexToWorld(point.X, point.Y, z);
                    text.Append(world.X);
                    text.Append(world.Y);
                    text.Append(world.Z);
                }

                maxValueLength = Math.Max(maxValueLength, text.Length);
                var item = new DicomDataset();
                if (request.Images[z] is { } image)
                {
                    item.Add(new DicomSequence(DicomTags.ContourImageSequence, CommonModules.ImageReference(image.SopClassUid, image.SopInstanceUid, image.FrameNumber > 0 ? [image.FrameNumber] : null)));
                }

                Put(item, DicomTags.ContourGeometricType, geometricType);
                Put(item, DicomTags.NumberOfContourPoints, polygon.Points.Count.ToString(CultureInfo.InvariantCulture));
                Put(item, DicomTags.ContourNumber, contourNumber.ToString(CultureInfo.InvariantCulture));
                contourNumber++;
                item.Add(new DicomElement(DicomTags.ContourData, DicomVR.DS, text.ToPaddedBytes()));
                items.Add(item);
            }
        }

        return items;
    }

    private static void Put(DicomDataset ds, DicomTag tag, params string[] values)
        => ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
}
