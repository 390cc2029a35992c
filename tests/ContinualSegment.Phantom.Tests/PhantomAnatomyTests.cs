using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Tests;

public class PhantomAnatomyTests(PhantomFixture fixture) : IClassFixture<PhantomFixture>
{
    public static TheoryData<string> Tasks => new() { "wholebody", "chest", "headneck", "pathology" };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Every_task_structure_is_labelled_with_a_plausible_volume_and_CT_number(string task)
    {
        PhantomCase c = fixture.Cases[task];
        IReadOnlyList<PlausibleRange> ranges = PlausibleRange.Load();
        double voxelCm3 = c.Image.Spacing.X * c.Image.Spacing.Y * c.Image.Spacing.Z / 1000.0;
        long[] count = new long[256];
        double[] sum = new double[256];
        for (int i = 0; i < c.Labels.Length; i++)
        {
            count[c.Labels.Data[i]]++;
            sum[c.Labels.Data[i]] += c.Image.Data[i];
        }

        var problems = new List<string>();
        foreach (StructureInfo s in fixture.Catalogue.ForTask(task))
        {
            PlausibleRange range = Assert.Single(ranges, r => r.Pattern.IsMatch(s.Name));
            long n = count[s.TaskLabel];
            double hu = n > 0 ? sum[s.TaskLabel] / n : double.NaN;
            double cm3 = n * voxelCm3;
            if (!(cm3 >= range.MinCm3 && cm3 <= range.MaxCm3 && hu >= range.MinHu && hu <= range.MaxHu))
            {
                problems.Add($"{s.Name}: {cm3:F2} cm³ (expected {range.MinCm3}–{range.MaxCm3}), {hu:F0} HU (expected {range.MinHu}–{range.MaxHu})");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_one_of_the_143_structures_is_in_some_structure_map()
    {
        var seen = new HashSet<int>();
        foreach (PhantomCase c in fixture.Cases.Values)
        {
            foreach (ushort id in c.StructureMap.Data)
            {
                if (id is >= 1 and <= 143)
                {
                    seen.Add(id);
                }
            }
        }

        int[] missing = Enumerable.Range(1, 143).Where(i => !seen.Contains(i)).ToArray();
        Assert.True(missing.Length == 0, "missing: " + string.Join(", ", missing.Select(i => fixture.Catalogue.ByGlobalIndex(i).Name)));
    }

    [Fact]
    public void Lesions_lie_inside_their_declared_host_and_only_in_pathology_cases()
    {
        PhantomCase p = fixture.Cases["pathology"];
        Volume<byte> wholebody = p.CreateLabelMap("wholebody");
        foreach (StructureInfo lesion in fixture.Catalogue.ForTask("pathology"))
        {
            var hostLabels = lesion.Hosts.Select(h => fixture.Catalogue[h].TaskLabel).ToHashSet();
            long n = 0;
            for (int i = 0; i < p.Labels.Length; i++)
            {
                if (p.Labels.Data[i] == lesion.TaskLabel)
                {
                    n++;
                    Assert.Contains(wholebody.Data[i], hostLabels.Select(h => (byte)h));
                }
            }

            Assert.True(n > 0, $"{lesion.Name} is missing from the pathology case");
        }

        foreach (string task in new[] { "wholebody", "chest", "headneck" })
        {
            Assert.DoesNotContain(fixture.Cases[task].StructureMap.Data, id => id is >= 141 and <= 143);
        }
    }

    [Fact]
    public void Label_maps_hold_only_their_task_and_nested_structures_map_to_their_parent()
    {
        foreach ((string task, PhantomCase c) in fixture.Cases)
        {
            int max = fixture.Catalogue.ForTask(task).Count;
            Assert.All(c.Labels.Data, v => Assert.InRange(v, 0, max));
            Assert.Equal(c.CreateLabelMap(task).Data, c.Labels.Data);
        }

        // Lens ⊂ eye ⊂ face, brainstem ⊂ brain (across tasks) on the head-and-neck case.
        PhantomCase hn = fixture.Cases["headneck"];
        Volume<byte> wb = hn.CreateLabelMap("wholebody");
        byte face = (byte)fixture.Catalogue["face"].TaskLabel, brain = (byte)fixture.Catalogue["brain"].TaskLabel;
        int lensL = fixture.Catalogue["eye_lens_left"].TaskLabel, stem = fixture.Catalogue["brainstem"].TaskLabel;
        int lensVoxels = 0, stemVoxels = 0;
        for (int i = 0; i < hn.Labels.Length; i++)
        {
            if (hn.Labels.Data[i] == lensL) { lensVoxels++; Assert.Equal(face, wb.Data[i]); }
            if (hn.Labels.Data[i] == stem) { stemVoxels++; Assert.Equal(brain, wb.Data[i]); }
        }

        Assert.True(lensVoxels > 0 && stemVoxels > 0);

        // Heart chambers ⊂ pericardium on the chest case; the chest map has no label for the chambers themselves.
        PhantomCase chest = fixture.Cases["chest"];
        Volume<byte> chestWb = chest.CreateLabelMap("wholebody");
        byte pericardium = (byte)fixture.Catalogue["pericardium"].TaskLabel;
        int lv = fixture.Catalogue["heart_ventricle_left"].TaskLabel, lvVoxels = 0;
        for (int i = 0; i < chest.Labels.Length; i++)
        {
            if (chestWb.Data[i] == lv) { lvVoxels++; Assert.Equal(pericardium, chest.Labels.Data[i]); }
        }

        Assert.True(lvVoxels > 0);
    }

    [Fact]
    public void Structures_of_one_task_never_share_a_voxel_in_the_structure_map()
    {
        // A voxel has one owner; a task label can only come from that owner or its declared parents.
        foreach ((string task, PhantomCase c) in fixture.Cases)
        {
            var labelOfOwner = new Dictionary<ushort, byte>();
            for (int i = 0; i < c.Labels.Length; i++)
            {
                ushort owner = c.StructureMap.Data[i];
                if (labelOfOwner.TryGetValue(owner, out byte l))
                {
                    Assert.Equal(l, c.Labels.Data[i]);
                }
                else
                {
                    labelOfOwner[owner] = c.Labels.Data[i];
                }
            }

            foreach ((ushort owner, byte label) in labelOfOwner.Where(kv => kv.Value != 0))
            {
                StructureInfo s = fixture.Catalogue.ByGlobalIndex(owner);
                StructureInfo labelled = fixture.Catalogue.ByTaskLabel(task, label);
                bool ownOrAncestor = false;
                for (ushort id = owner; id != 0; id = c.ParentOf(id))
                {
                    ownOrAncestor |= id == labelled.GlobalIndex;
                }

                Assert.True(ownOrAncestor, $"{s.Name} voxels carry {labelled.Name}'s label in {task}");
            }
        }
    }

    [Fact]
    public void Field_of_view_covers_each_dataset_body_region()
    {
        static bool Has(PhantomCase c, string name) => c.Mask(name).Any(v => v);
        PhantomCase hn = fixture.Cases["headneck"], chest = fixture.Cases["chest"], path = fixture.Cases["pathology"], wb = fixture.Cases["wholebody"];
        Assert.True(Has(hn, "brain") && Has(hn, "eye_left") && Has(hn, "mandible"));
        Assert.False(Has(hn, "urinary_bladder") || Has(hn, "liver") || Has(hn, "femur_left"));
        Assert.True(Has(chest, "lung_lower_lobe_right") && Has(chest, "thyroid_gland") && Has(chest, "heart_ventricle_left"));
        Assert.False(Has(chest, "brain") || Has(chest, "urinary_bladder"));
        Assert.True(Has(path, "liver") && Has(path, "lung_upper_lobe_left") && Has(path, "esophagus"));
        Assert.False(Has(path, "brain") || Has(path, "femur_left"));
        Assert.True(Has(wb, "brain") && Has(wb, "femur_right") && Has(wb, "urinary_bladder"));

        // Head-and-neck z range lies above the chest range's lower end, wholebody spans both.
        static (double Lo, double Hi) Z(PhantomCase c) => (c.Image.Geometry.Origin.Z, c.Image.Geometry.IndexToWorld(0, 0, c.Image.SizeZ - 1).Z);
        Assert.True(Z(hn).Hi - Z(hn).Lo is > 250 and < 360);
        Assert.True(Z(wb).Hi - Z(wb).Lo > 950);
    }

    [Fact]
    public void Image_has_air_outside_a_table_below_the_patient_and_correlated_noise_of_10_to_20_HU()
    {
        PhantomCase c = fixture.Cases["wholebody"];
        Volume<short> img = c.Image;
        var air = new List<double>();
        int tableVoxels = 0;
        double tableY = 0, bodyY = 0;
        int bodyVoxels = 0;
        for (int z = 0; z < img.SizeZ; z += 4)
        {
            for (int y = 0; y < img.SizeY; y++)
            {
                for (int x = 0; x < img.SizeX; x++)
                {
                    ushort o = c.StructureMap[x, y, z];
                    if (o == 0 && x > 0 && x < img.SizeX - 1 && c.StructureMap[x - 1, y, z] == 0 && c.StructureMap[x + 1, y, z] == 0)
                    {
                        air.Add(img[x, y, z]);
                    }
                    else if (o is TissueIds.TableShell or TissueIds.TableCore)
                    {
                        tableVoxels++;
                        tableY += y;
                    }
                    else if (o != 0)
                    {
                        bodyVoxels++;
                        bodyY += y;
                    }
                }
            }
        }

        double mean = air.Average(), sd = Math.Sqrt(air.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -1010, -990);
        Assert.InRange(sd, 8, 22);
        Assert.True(tableVoxels > 0);
        Assert.True(tableY / tableVoxels > bodyY / bodyVoxels, "the table lies posterior to the body");

        // Neighbouring voxels' noise is correlated (smoothing kernel), unlike white noise.
        double cov = 0, var0 = 0;
        int pairs = 0;
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 30; x++)
            {
                if (c.StructureMap[x, y, 10] == 0 && c.StructureMap[x + 1, y, 10] == 0)
                {
                    double a = img[x, y, 10] + 1000.0, b = img[x + 1, y, 10] + 1000.0;
                    cov += a * b;
                    var0 += a * a;
                    pairs++;
                }
            }
        }

        Assert.True(pairs > 100);
        Assert.InRange(cov / var0, 0.4, 0.9);
    }
}
