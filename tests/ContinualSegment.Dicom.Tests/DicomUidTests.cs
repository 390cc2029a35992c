using System.Globalization;

namespace ContinualSegment.Dicom.Tests;

public class DicomUidTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2", true)]
    [InlineData("0", true)]
    [InlineData("1.0.2", true)]
    [InlineData("1.02", false)]
    [InlineData("1..2", false)]
    [InlineData(".1", false)]
    [InlineData("1.", false)]
    [InlineData("1.2a", false)]
    [InlineData("", false)]
    [InlineData("1.2.3 ", false)]
    public void Validation_follows_PS3_5_9_1(string uid, bool valid)
    {
        Assert.Equal(valid, DicomUid.IsValid(uid));
    }

    [Fact]
    public void Rejects_more_than_64_characters()
    {
        Assert.True(DicomUid.IsValid("1." + new string('1', 62)));
        Assert.False(DicomUid.IsValid("1." + new string('1', 63)));
    }

    [Fact]
    public void UUID_conversion_matches_the_example_of_PS3_5_B_2()
    {
        Assert.Equal("2.25.329800735698586629295641978511506172918", DicomUid.FromUuid(Guid.Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")));
    }

    [Fact]
    public void Generated_UIDs_are_valid_and_unique()
    {
        var set = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var uid = DicomUid.Generate();
            Assert.StartsWith("2.25.", uid, StringComparison.Ordinal);
            Assert.True(DicomUid.IsValid(uid), uid);
            Assert.True(set.Add(uid));
            var rooted = DicomUid.Generate("1.2.826.0.1.3680043.10.999");
            Assert.StartsWith("1.2.826.0.1.3680043.10.999.", rooted, StringComparison.Ordinal);
            Assert.True(DicomUid.IsValid(rooted), rooted);
        }

        Assert.Throws<ArgumentException>(() => DicomUid.Generate("1.02"));
        Assert.True(DicomUid.IsValid(DicomUid.ImplementationClassUid));
        Assert.True(DicomUid.ImplementationVersionName.Length <= 16);
    }

    [Fact]
    public void Registry_matches_pydicom_uid_table()
    {
        var (exit, stdout, stderr) = PeerTools.Run(PeerTools.Python, "-c",
            "from pydicom._uid_dict import UID_dictionary as d\nfor k, v in d.items():\n    print(k + '\\t' + v[4])");
        Assert.True(exit == 0, stderr);
        var checkedCount = 0;
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts[1].Length == 0 || !DicomUid.IsValid(parts[0]))
            {
                continue;
            }

            var info = DicomUids.LookupByUid(parts[0]);
            Assert.NotNull(info);
            Assert.Equal(parts[1], info.Keyword);
            checkedCount++;
        }

        Assert.True(checkedCount > 400, checkedCount.ToString(CultureInfo.InvariantCulture));
        string[] needed =
        [
            DicomUids.ImplicitVRLittleEndian, DicomUids.ExplicitVRLittleEndian, DicomUids.ExplicitVRBigEndian, DicomUids.DeflatedExplicitVRLittleEndian,
            DicomUids.JPEGBaseline8Bit, DicomUids.JPEGExtended12Bit, DicomUids.JPEGLossless, DicomUids.JPEGLosslessSV1, DicomUids.JPEGLSLossless,
            DicomUids.JPEGLSNearLossless, DicomUids.JPEG2000Lossless, DicomUids.JPEG2000, DicomUids.RLELossless, DicomUids.CTImageStorage,
            DicomUids.EnhancedCTImageStorage, DicomUids.MRImageStorage, DicomUids.SecondaryCaptureImageStorage, DicomUids.SegmentationStorage,
            DicomUids.RTStructureSetStorage, DicomUids.RTDoseStorage, DicomUids.RTPlanStorage, DicomUids.Verification,
            DicomUids.StudyRootQueryRetrieveInformationModelFind, DicomUids.StudyRootQueryRetrieveInformationModelMove, DicomUids.ModalityWorklistInformationModelFind,
        ];
        Assert.All(needed, uid => Assert.True(DicomUid.IsValid(uid)));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", DicomUids.LookupByKeyword("CTImageStorage")!.Uid);
    }

    [Fact]
    public void Name_based_uuids_follow_RFC_4122_version_5()
    {
        // The RFC's DNS namespace; the expected value is what every RFC 4122 implementation gives for this name.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), DicomUid.NameBasedUuid(dns, "python.org"));
    }

    [Fact]
    public void Name_based_uids_are_stable_valid_and_distinct()
    {
        var a = DicomUid.FromName("job/42/seg");
        Assert.Equal(a, DicomUid.FromName("job/42/seg"));
        Assert.NotEqual(a, DicomUid.FromName("job/42/rtstruct"));
        Assert.StartsWith("2.25.", a, StringComparison.Ordinal);
        Assert.True(DicomUid.IsValid(a), a);
        var uuid = DicomUid.NameBasedUuid(DicomUid.NameNamespace, "job/42/seg");
        Assert.Equal(DicomUid.FromUuid(uuid), a);
        Assert.Equal('5', uuid.ToString()[14]);
    }
}
