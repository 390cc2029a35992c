namespace ContinualSegment.Imaging.Tests;

public class StructureCatalogueTests
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    [Fact]
    public void Embedded_catalogue_has_143_rows_in_four_tasks_of_104_16_20_3()
    {
        Assert.Equal(143, Catalogue.Count);
        Assert.Equal(["wholebody", "chest", "headneck", "pathology"], Catalogue.Tasks);
        Assert.Equal(104, Catalogue.ForTask("wholebody").Count);
        Assert.Equal(16, Catalogue.ForTask("chest").Count);
        Assert.Equal(20, Catalogue.ForTask("headneck").Count);
        Assert.Equal(3, Catalogue.ForTask("pathology").Count);
    }

    [Fact]
    public void Names_and_colours_are_unique()
    {
        Assert.Equal(143, Catalogue.Structures.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(143, Catalogue.Structures.Select(s => s.Color).Distinct().Count());
    }

    [Fact]
    public void Global_index_and_task_label_map_both_ways()
    {
        int expected = 1;
        foreach (string task in Catalogue.Tasks)
        {
            foreach (StructureInfo s in Catalogue.ForTask(task))
            {
                Assert.Equal(expected++, s.GlobalIndex);
                Assert.Same(s, Catalogue.ByGlobalIndex(s.GlobalIndex));
                Assert.Same(s, Catalogue.ByTaskLabel(task, s.TaskLabel));
                Assert.Equal(s.GlobalIndex, Catalogue.GlobalIndexOf(task, s.TaskLabel));
            }
        }

        Assert.Equal(1, Catalogue["spleen"].GlobalIndex);
        Assert.Equal(105, Catalogue["spinal_cord"].GlobalIndex);
        Assert.Equal(("chest", 1), (Catalogue["spinal_cord"].Task, Catalogue["spinal_cord"].TaskLabel));
        Assert.Equal(143, Catalogue["esophageal_tumor"].GlobalIndex);
        Assert.Throws<ArgumentOutOfRangeException>(() => Catalogue.ByGlobalIndex(144));
        Assert.Throws<KeyNotFoundException>(() => Catalogue.ByTaskLabel("chest", 17));
    }

    [Fact]
    public void Codes_laterality_and_hosts_are_read()
    {
        StructureInfo kidney = Catalogue["kidney_left"];
        Assert.Equal(new CodedConcept("123037004", "SCT", "Anatomical Structure"), kidney.Category);
        Assert.Equal("64033007", kidney.Type.Code);
        Assert.Equal("7771000", kidney.Laterality?.Code);
        Assert.Equal("Kidney_L", kidney.Tg263Name);
        Assert.Null(Catalogue["sternum"].Tg263Name);
        Assert.Null(Catalogue["liver"].Laterality);
        Assert.Equal(new RgbColor(46, 138, 184), kidney.Color);
        Assert.Equal(["liver"], Catalogue["liver_tumor"].Hosts);
        Assert.Equal(5, Catalogue["lung_tumor"].Hosts.Count);
        Assert.All(Catalogue.ForTask("pathology"), s => Assert.True(s.IsLesion));
        Assert.DoesNotContain(Catalogue.ForTask("wholebody"), s => s.IsLesion);
        Assert.All(Catalogue.Structures.Where(s => s.Name.EndsWith("_left", StringComparison.Ordinal) && s.Laterality is not null),
            s => Assert.Equal("Left", s.Laterality!.Meaning));
    }

    [Fact]
    public void Quoted_fields_with_commas_quotes_and_newlines_are_parsed()
    {
        const string header = "task,label,name,display_name,tg263_name,category_code,category_scheme,category_meaning,type_code,type_scheme,type_meaning,laterality_code,laterality_meaning,rgb,overlaps\n";
        string csv = header
            + "a,1,x_one,\"One, with comma\",,1,SCT,\"Cat \"\"quoted\"\"\",2,SCT,\"Multi\nline\",,,1 2 3,\n"
            + "a,2,x_two,Two,,1,SCT,Cat,2,SCT,T,,,4 5 6,\"x_one\"\r\n";
        StructureCatalogue c = StructureCatalogue.Parse(csv);
        Assert.Equal(2, c.Count);
        Assert.Equal("One, with comma", c["x_one"].DisplayName);
        Assert.Equal("Cat \"quoted\"", c["x_one"].Category.Meaning);
        Assert.Equal("Multi\nline", c["x_one"].Type.Meaning);
        Assert.Equal(["x_one"], c["x_two"].Hosts);
    }

    [Fact]
    public void Malformed_catalogues_are_rejected()
    {
        const string header = "task,label,name,display_name,tg263_name,category_code,category_scheme,category_meaning,type_code,type_scheme,type_meaning,laterality_code,laterality_meaning,rgb,overlaps\n";
        Assert.Throws<FormatException>(() => StructureCatalogue.Parse("a,b\n"));
        Assert.Throws<FormatException>(() => StructureCatalogue.Parse(header + "a,2,x,X,,1,S,C,2,S,T,,,1 2 3,\n"));
        Assert.Throws<FormatException>(() => StructureCatalogue.Parse(header + "a,1,x,X,,1,S,C,2,S,T,,,1 2,\n"));
        Assert.Throws<FormatException>(() => StructureCatalogue.Parse(header + "a,1,x,X,,1,S,C,2,S,T,,,1 2 3,missing\n"));
        Assert.Throws<FormatException>(() => StructureCatalogue.Parse(header + "a,1,x,\"unterminated,1,S,C,2,S,T,,,1 2 3,\n"));
    }
}
