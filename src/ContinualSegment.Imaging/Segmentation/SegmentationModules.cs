using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Iod;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Assembles the Segmentation's data set without its pixel data: the modules it shares with every result object
/// (<see cref="CommonModules"/>), then the Segmentation Series, Segmentation Image, Image Pixel, Multi-frame
/// Dimension and Multi-frame Functional Groups modules for the planned frames.
/// </summary>
internal static class SegmentationModules
{
    private static readonly CodedConcept SourceImagePurpose = new("121322", "DCM", "Source image for image processing operation");
    private static readonly CodedConcept SegmentationDerivation = new("113076", "DCM", "Segmentation");

    /// <summary>The data set of the Segmentation of <paramref name="request"/>, created at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The source has no Study Instance UID.</exception>
    public static DicomDataset Build(SegmentationRequest request, SegmentationOptions options, FramePlan plan, DateTimeOffset now)
    {
        SeriesHeader src = request.Source;
        var created = DicomTimestamp.From(now, fractionalSeconds: true);
        string sopInstance = options.SopInstanceUid ?? DicomUid.Generate();
        string seriesInstance = options.SeriesInstanceUid ?? DicomUid.Generate();

        var ds = new DicomDataset();
        CommonModules.AddPatientStudy(ds, src.PatientStudyAttributes);
        if (!ds.Contains(DicomTags.StudyInstanceUID))
        {
            throw new ArgumentException("The source series has no Study Instance UID.", nameof(request));
        }

        CommonModules.AddSopCommon(ds, SegmentationWriter.SegmentationStorage, sopInstance, created);
        CommonModules.AddGeneralSeries(ds, "SEG", seriesInstance, options.SeriesNumber, options.SeriesDescription.Length > 0 ? options.SeriesDescription : null, created);
        CommonModules.AddFrameOfReference(ds, src.FrameOfReferenceUid, src.PositionReferenceIndicator);
        CommonModules.AddEquipment(ds, options.Manufacturer, options.ManufacturerModelName, options.DeviceSerialNumber, options.SoftwareVersions);
        AddImage(ds, options, src, created, plan.Frames.Count);
        ds.AddOrUpdate(new DicomSequence(DicomTags.SegmentSequence, plan.Segments.Select(s => SegmentItem(s.Input.Description, s.Number, sopInstance))));
        AddDimensions(ds, sopInstance);
        AddFunctionalGroups(ds, src, plan);

        // Common Instance Reference: the source images.
        ds.AddOrUpdate(CommonModules.ReferencedSeries(src.SeriesInstanceUid, src.SourceImages.Select(static r => (r.SopClassUid, r.SopInstanceUid))));
        return ds;
    }

    // General Image, Segmentation Image, Image Pixel.
    private static void AddImage(DicomDataset ds, SegmentationOptions options, SeriesHeader src, DicomTimestamp created, int frameCount)
    {
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, options.InstanceNumber.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTags.ContentDate, DicomVR.DA, created.Date);
        ds.AddOrUpdate(DicomTags.ContentTime, DicomVR.TM, created.Time);
        ds.AddOrUpdate(DicomTags.ImageType, DicomVR.CS, "DERIVED", "PRIMARY");
        ds.AddOrUpdate(DicomTags.ContentLabel, DicomVR.CS, options.ContentLabel);
        ds.AddOrUpdate(DicomTags.ContentDescription, DicomVR.LO, options.ContentDescription);
        ds.AddOrUpdate(DicomTags.ContentCreatorName, DicomVR.PN, options.ContentCreatorName);
        ds.AddOrUpdate(DicomTags.LossyImageCompression, DicomVR.CS, "00");
        ds.AddOrUpdate(DicomTags.SegmentationType, DicomVR.CS, "BINARY");
        ds.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, checked((ushort)src.SizeY));
        ds.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, checked((ushort)src.SizeX));
        ds.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, 1);
        ds.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 1);
        ds.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 0);
        ds.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        ds.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, frameCount.ToString(CultureInfo.InvariantCulture));
    }

    // Multi-frame Dimension module: segment number, then position.
    private static void AddDimensions(DicomDataset ds, string sopInstance)
    {
        string dimensionUid = DicomUid.FromName(sopInstance + "/dimensions");
        ds.AddOrUpdate(new DicomSequence(DicomTags.DimensionOrganizationSequence, Item(Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid))));
        ds.AddOrUpdate(DicomTags.DimensionOrganizationType, DicomVR.CS, "3D");
        ds.AddOrUpdate(new DicomSequence(
            DicomTags.DimensionIndexSequence,
            Item(
                Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid),
                DicomElement.FromTags(DicomTags.DimensionIndexPointer, DicomTags.ReferencedSegmentNumber),
                DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.SegmentIdentificationSequence),
                Text(DicomTags.DimensionDescriptionLabel, DicomVR.LO, "ReferencedSegmentNumber")),
            Item(
                Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid),
                DicomElement.FromTags(DicomTags.DimensionIndexPointer, DicomTags.ImagePositionPatient),
                DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.PlanePositionSequence),
                Text(DicomTags.DimensionDescriptionLabel, DicomVR.LO, "ImagePositionPatient"))));
    }

    // Multi-frame Functional Groups: pixel measures and orientation shared, position and derivation per frame.
    private static void AddFunctionalGroups(DicomDataset ds, SeriesHeader src, FramePlan plan)
    {
        Affine3D g = src.Geometry;
        DicomDataset shared = Item(
            new DicomSequence(DicomTags.PixelMeasuresSequence, Item(
                Text(DicomTags.SliceThickness, DicomVR.DS, DicomDecimalString.Format(src.SliceThickness)),
                Text(DicomTags.SpacingBetweenSlices, DicomVR.DS, DicomDecimalString.Format(g.Spacing.Z)),
                Text(DicomTags.PixelSpacing, DicomVR.DS, PlaneText.PixelSpacing(g)))),
            new DicomSequence(DicomTags.PlaneOrientationSequence, Item(
                Text(DicomTags.ImageOrientationPatient, DicomVR.DS, PlaneText.Orientation(g)))));
        ds.AddOrUpdate(new DicomSequence(DicomTags.SharedFunctionalGroupsSequence, shared));

        var perFrame = new List<DicomDataset>(plan.Frames.Count);
        foreach (var (segment, z) in plan.Frames)
        {
            perFrame.Add(FrameItem(src, segment, z));
        }

        ds.AddOrUpdate(new DicomSequence(DicomTags.PerFrameFunctionalGroupsSequence, perFrame));
    }

    private static DicomDataset SegmentItem(SegmentDescription d, int number, string sopInstance)
    {
        var item = new DicomDataset(
            DicomElement.FromValues(DicomTags.SegmentNumber, DicomVR.US, checked((ushort)number)),
            Text(DicomTags.SegmentLabel, DicomVR.LO, d.Label),
            new DicomSequence(DicomTags.SegmentedPropertyCategoryCodeSequence, d.Category.ToCodeItem()),
            Text(DicomTags.SegmentAlgorithmType, DicomVR.CS, d.Algorithm is null ? "MANUAL" : "AUTOMATIC"),
            DicomElement.FromValues(DicomTags.RecommendedDisplayCIELabValue, DicomVR.US, CieLab.FromRgb(d.Color)));
        DicomDataset type = d.Type.ToCodeItem();
        if (d.TypeModifier is not null)
        {
            type.Add(new DicomSequence(DicomTags.SegmentedPropertyTypeModifierCodeSequence, d.TypeModifier.ToCodeItem()));
        }

        item.Add(new DicomSequence(DicomTags.SegmentedPropertyTypeCodeSequence, type));
        if (!string.IsNullOrEmpty(d.Description))
        {
            item.Add(Text(DicomTags.SegmentDescription, DicomVR.ST, d.Description));
        }

        if (d.Algorithm is { } algorithm)
        {
            item.Add(Text(DicomTags.SegmentAlgorithmName, DicomVR.LO, algorithm.Name));
            item.Add(new DicomSequence(DicomTags.SegmentationAlgorithmIdentificationSequence, Item(
                new DicomSequence(DicomTags.AlgorithmFamilyCodeSequence, algorithm.FamilyOrDefault.ToCodeItem()),
                Text(DicomTags.AlgorithmName, DicomVR.LO, algorithm.Name),
                Text(DicomTags.AlgorithmVersion, DicomVR.LO, algorithm.Version))));
        }

        if (!string.IsNullOrEmpty(d.TrackingId))
        {
            item.Add(Text(DicomTags.TrackingID, DicomVR.UT, d.TrackingId));
            item.Add(Text(DicomTags.TrackingUID, DicomVR.UI, d.TrackingUid ?? DicomUid.FromName(sopInstance + "/tracking/" + d.TrackingId)));
        }

        return item;
    }

    private static DicomDataset FrameItem(SeriesHeader src, int segment, int z)
    {
        SeriesSlice slice = src.Slices[z];

        // The source image's own position (not the idealised grid's), so viewers match frames to images exactly.
        Vec3 p = slice.Source is null ? src.Geometry.IndexToWorld(0, 0, z) : slice.Position;
        var item = new DicomDataset(
            new DicomSequence(DicomTags.FrameContentSequence, Item(DicomElement.FromValues(DicomTags.DimensionIndexValues, DicomVR.UL, (uint)segment, (uint)(z + 1)))),
            new DicomSequence(DicomTags.PlanePositionSequence, Item(Text(DicomTags.ImagePositionPatient, DicomVR.DS, PlaneText.Position(p)))),
            new DicomSequence(DicomTags.SegmentIdentificationSequence, Item(DicomElement.FromValues(DicomTags.ReferencedSegmentNumber, DicomVR.US, checked((ushort)segment)))));
        if (slice.Source is { } source)
        {
            DicomDataset sourceItem = CommonModules.ImageReference(source.SopClassUid, source.SopInstanceUid, source.FrameNumber > 0 ? [source.FrameNumber] : null);
            sourceItem.Add(new DicomSequence(DicomTags.PurposeOfReferenceCodeSequence, SourceImagePurpose.ToCodeItem()));

            item.Add(new DicomSequence(DicomTags.DerivationImageSequence, Item(
                new DicomSequence(DicomTags.DerivationCodeSequence, SegmentationDerivation.ToCodeItem()),
                new DicomSequence(DicomTags.SourceImageSequence, sourceItem))));
        }
        else
        {
            // An interpolated slice derives from no single image; the sequence is type 2, so it is present and empty.
            item.Add(new DicomSequence(DicomTags.DerivationImageSequence));
        }

        return item;
    }

    private static DicomDataset Item(params DicomElement[] elements) => new(elements);

    private static DicomElement Text(DicomTag tag, DicomVR vr, params string[] values) => DicomElement.FromStrings(tag, vr, values);
}
