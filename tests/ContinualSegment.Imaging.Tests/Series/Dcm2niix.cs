namespace ContinualSegment.Imaging.Tests.Series;

/// <summary>Converts a DICOM directory with dcm2niix and reads the NIfTI volumes it wrote.</summary>
internal static class Dcm2niix
{
    public static (List<Volume<float>> Volumes, List<string> Files, string Log) Convert(string dicomDirectory, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        string log = ExternalTool.Run("dcm2niix", "-z", "n", "-b", "n", "-o", outputDirectory, "-f", "out", dicomDirectory);
        var files = Directory.GetFiles(outputDirectory, "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return ([.. files.Select(f => NiftiReader.ReadFloat(File.ReadAllBytes(f)))], files, log);
    }

    /// <summary>
    /// Asserts that two volumes sample the same points of space with the same values: every corner of <paramref name="ours"/>
    /// is a voxel centre of <paramref name="theirs"/> within <paramref name="toleranceMm"/>, the grids have the same size and
    /// spacing, and every voxel value agrees at the same world position.
    /// </summary>
    public static void AssertSameImage(Volume<float> ours, Volume<float> theirs, double toleranceMm = 1e-3)
    {
        Assert.Equal(ours.Length, theirs.Length);
        var ourSpacing = ours.Spacing;
        var sortedOurs = new[] { ourSpacing.X, ourSpacing.Y, ourSpacing.Z }.Order().ToArray();
        var sortedTheirs = new[] { theirs.Spacing.X, theirs.Spacing.Y, theirs.Spacing.Z }.Order().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(sortedOurs[i] - sortedTheirs[i]) < toleranceMm, $"spacing {sortedOurs[i]} vs {sortedTheirs[i]}");
        }

        foreach (int cx in new[] { 0, ours.SizeX - 1 })
        {
            foreach (int cy in new[] { 0, ours.SizeY - 1 })
            {
                foreach (int cz in new[] { 0, ours.SizeZ - 1 })
                {
                    Vec3 w = ours.IndexToWorld(cx, cy, cz);
                    Vec3 idx = theirs.WorldToIndex(w);
                    Vec3 snapped = theirs.IndexToWorld(Math.Round(idx.X), Math.Round(idx.Y), Math.Round(idx.Z));
                    Assert.True((snapped - w).Length < toleranceMm, $"corner ({cx},{cy},{cz}) at {w} is {(snapped - w).Length} mm from dcm2niix's nearest voxel centre");
                }
            }
        }

        int mismatches = 0;
        for (int z = 0; z < ours.SizeZ; z++)
        {
            for (int y = 0; y < ours.SizeY; y++)
            {
                for (int x = 0; x < ours.SizeX; x++)
                {
                    Vec3 idx = theirs.WorldToIndex(ours.IndexToWorld(x, y, z));
                    int tx = (int)Math.Round(idx.X), ty = (int)Math.Round(idx.Y), tz = (int)Math.Round(idx.Z);
                    if (!theirs.Contains(tx, ty, tz) || Math.Abs(theirs[tx, ty, tz] - ours[x, y, z]) > 1e-3)
                    {
                        mismatches++;
                    }
                }
            }
        }

        Assert.Equal(0, mismatches);
    }
}
