using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Series;

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
}
