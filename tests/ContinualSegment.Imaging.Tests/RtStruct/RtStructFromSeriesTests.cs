using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.RtStruct;

public sealed class RtStructFromSeriesTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-rtseries-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Label_map_on_a_loaded_series_gives_tg263_rois_and_an_organ_covering_its_lesion()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        var liver = catalogue["liver"];
        var tumour = catalogue["liver_tumor"];
        var geometry = Affine3D.Axial(new Vec3(-40, -30, 100), new Vec3(1.0, 1.0, 2.0));
        var labels = new Volume<ushort>(40, 30, 8, geometry);
        for (var k = 1; k < 7; k++)
        {
            for (var j = 5; j < 25; j++)
            {
                for (var i = 5; i < 35; i++)
                {
                    var inTumour = Math.Abs(i - 20) <= 3 && Math.Abs(j - 15) <= 3 && k is >= 3 and <= 4;
                    labels[i, j, k] = (ushort)(inTumour ? tumour.GlobalIndex : liver.GlobalIndex);
                }
            }
        }

        var ctDir = Path.Combine(dir.FullName, "ct");
        await CtSeriesWriter.WriteAsync(new Volume<float>(40, 30, 8, geometry), new CtSeriesMetadata
        {
            PatientName = "Rt^Series",
            PatientId = "RT-1",
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
        }, ctDir, CancellationToken.None);
        var header = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(ctDir));

        var request = RtStructRequest.FromLabelMap(header, labels, catalogue);
        var file = RtStructBuilder.Build(request, new RtStructOptions(ToleranceMm: 0), null, null, DateTimeOffset.UnixEpoch);
        var rois = RtStructReader.Read(file.Dataset, (40, 30, 8), header.Geometry);

        Assert.Equal(["Liver", tumour.Tg263Name ?? tumour.Name], request.Rois.Select(r => r.Name));
        Assert.Equal(["ORGAN", "GTV"], request.Rois.Select(r => r.InterpretedType));
        var liverMask = rois.Single(r => r.Name == "Liver").Mask;
        var tumourMask = rois.Single(r => r.InterpretedType == "GTV").Mask;
        Assert.Equal(6 * 20 * 30, liverMask.Data.Count(v => v != 0)); // organ ∪ lesion
        Assert.Equal(2 * 7 * 7, tumourMask.Data.Count(v => v != 0));
        Assert.Equal("RT-1", file.Dataset.GetString(DicomTags.PatientID));
    }

    [Fact]
    public void Contours_on_an_enhanced_ct_reference_their_frames_and_dciodvfy_accepts_the_structure_set()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        var single = Directory.CreateDirectory(Path.Combine(dir.FullName, "single")).FullName;
        var files = TestSeries.WriteSynthetic(single, 13, 11, 5);
        var multi = Directory.CreateDirectory(Path.Combine(dir.FullName, "multi")).FullName;
        int[] order = [3, 1, 4, 0, 2];
        var uid = EnhancedCtTests.WriteEnhanced(Path.Combine(multi, "enhanced.dcm"), files, order, [-1024, -1024, -1024, -1024, -1024]);
        var header = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(multi));
        var labels = new Volume<ushort>(header.SizeX, header.SizeY, header.SizeZ, header.Geometry);
        for (var k = 0; k < header.SizeZ; k++)
        {
            for (var j = 2; j < 8; j++)
            {
                for (var i = 3; i < 9 + k % 2; i++)
                {
                    labels[i, j, k] = (ushort)catalogue["spleen"].GlobalIndex;
                }
            }
        }

        var file = RtStructBuilder.Build(RtStructRequest.FromLabelMap(header, labels, catalogue), new RtStructOptions(), null, null, DateTimeOffset.UnixEpoch);
        var path = Path.Combine(dir.FullName, "rtstruct.dcm");
        file.Save(path);

        var report = ExternalTool.RunUnchecked("dciodvfy", path).Output;
        Assert.DoesNotContain("Error", report, StringComparison.Ordinal);
        var ds = DicomFile.Open(path).Dataset;

        // Slice k is frame (position of k in the written order) + 1; each contour names the frame of its plane.
        var contours = ds.GetSequence(DicomTags.ROIContourSequence).Items[0].GetSequence(DicomTags.ContourSequence).Items;
        Assert.Equal(header.SizeZ, contours.Count);
        foreach (var contour in contours)
        {
            var point = contour.GetDoubles(DicomTags.ContourData);
            var k = (int)Math.Round(header.Geometry.WorldToIndex(new Vec3(point[0], point[1], point[2])).Z);
            var image = Assert.Single(contour.GetSequence(DicomTags.ContourImageSequence).Items);
            Assert.Equal(uid, image.GetString(DicomTags.ReferencedSOPInstanceUID));
            Assert.Equal("1.2.840.10008.5.1.4.1.1.2.1", image.GetString(DicomTags.ReferencedSOPClassUID));
            Assert.Equal(Array.IndexOf(order, k) + 1, image.GetInt32(DicomTags.ReferencedFrameNumber));
        }

        // The series-level list names the instance once, with every frame.
        var series = ds.GetSequence(DicomTags.ReferencedFrameOfReferenceSequence).Items[0]
            .GetSequence(DicomTags.RTReferencedStudySequence).Items[0]
            .GetSequence(DicomTags.RTReferencedSeriesSequence).Items[0];
        var listed = Assert.Single(series.GetSequence(DicomTags.ContourImageSequence).Items);
        Assert.Equal(uid, listed.GetString(DicomTags.ReferencedSOPInstanceUID));
        Assert.Equal([1, 2, 3, 4, 5], listed.GetStrings(DicomTags.ReferencedFrameNumber).Select(static f => int.Parse(f, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Contours_on_an_interpolated_slice_of_a_resampled_series_reference_no_image()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        var ct = Directory.CreateDirectory(Path.Combine(dir.FullName, "gap")).FullName;
        var files = TestSeries.WriteSynthetic(ct, 13, 11, 5);
        File.Delete(files[2]);
        var header = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(ct, new SeriesLoadOptions { NonUniformSpacing = GeometryPolicy.Resample }));
        Assert.Equal(5, header.SizeZ);
        var gap = Assert.Single(Enumerable.Range(0, header.SizeZ), k => header.Slices[k].Source is null);
        var labels = new Volume<ushort>(header.SizeX, header.SizeY, header.SizeZ, header.Geometry);
        for (var k = 0; k < header.SizeZ; k++)
        {
            for (var j = 2; j < 8; j++)
            {
                for (var i = 3; i < 9; i++)
                {
                    labels[i, j, k] = (ushort)catalogue["spleen"].GlobalIndex;
                }
            }
        }

        var file = RtStructBuilder.Build(RtStructRequest.FromLabelMap(header, labels, catalogue), new RtStructOptions(), null, null, DateTimeOffset.UnixEpoch);
        var path = Path.Combine(dir.FullName, "gap-rtstruct.dcm");
        file.Save(path);

        Assert.DoesNotContain("Error", ExternalTool.RunUnchecked("dciodvfy", path).Output, StringComparison.Ordinal);
        var contours = file.Dataset.GetSequence(DicomTags.ROIContourSequence).Items[0].GetSequence(DicomTags.ContourSequence).Items;
        Assert.Equal(header.SizeZ, contours.Count);
        foreach (var contour in contours)
        {
            var point = contour.GetDoubles(DicomTags.ContourData);
            var k = (int)Math.Round(header.Geometry.WorldToIndex(new Vec3(point[0], point[1], point[2])).Z);
            Assert.Equal(k != gap, contour.Contains(DicomTags.ContourImageSequence));
            if (k != gap)
            {
                Assert.Equal(header.Slices[k].Source!.SopInstanceUid, contour.GetSequence(DicomTags.ContourImageSequence).Items[0].GetString(DicomTags.ReferencedSOPInstanceUID));
            }
        }
    }
}
