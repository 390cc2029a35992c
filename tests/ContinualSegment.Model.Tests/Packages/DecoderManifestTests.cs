using System.Text;
using System.Text.Json.Nodes;
using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Tests.Packages;

public sealed class DecoderManifestTests : IDisposable
{
    private readonly PackageTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public void JsonRoundTrip_KeepsEveryField()
    {
        var manifest = ctx.Manifest() with { Files = [new PackageFile("weights/decoder.bin", new string('a', 64), 12)] };
        var bytes = manifest.ToJsonBytes();
        var json = JsonNode.Parse(bytes)!;
        Assert.Equal(DecoderManifest.CurrentFormat, json["format"]!.GetValue<string>());
        Assert.Equal("weights/decoder.bin", json["files"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(manifest.Classes[0].Type.Code, json["classes"]![0]!["type"]!["code"]!.GetValue<string>());

        var parsed = DecoderManifest.Parse(bytes);
        Assert.Equal(manifest.Id, parsed.Id);
        Assert.Equal(manifest.Classes, parsed.Classes);
        Assert.Equal(manifest.Files, parsed.Files);
        Assert.Equal(manifest.BodyPartRange, parsed.BodyPartRange);
        Assert.Equal(manifest.Provenance, parsed.Provenance);
        Assert.Equal(manifest.CalibrationTemperature, parsed.CalibrationTemperature);
        Assert.Equal(manifest.Metrics, parsed.Metrics);
        Assert.Equal(manifest.Plan.GetProperty("classCount").GetInt32(), parsed.Plan.GetProperty("classCount").GetInt32());
        Assert.Equal(bytes, parsed.ToJsonBytes());
    }

    [Theory]
    [InlineData("id", "Upper-Case")]
    [InlineData("id", "-leading-dash")]
    [InlineData("id", "has space")]
    [InlineData("version", "1.0")]
    [InlineData("version", "v1.0.0")]
    [InlineData("version", "01.0.0")]
    [InlineData("encoderFingerprint", "abc")]
    [InlineData("format", "cseg-decoder-package/2")]
    public void InvalidScalar_IsRefusedNamingTheField(string field, string value)
    {
        var json = JsonNode.Parse(ctx.Manifest().ToJsonBytes())!;
        json[field] = value;
        var ex = Assert.Throws<DecoderPackageException>(() => DecoderManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));
        Assert.Equal(DecoderPackageRefusal.InvalidManifest, ex.Reason);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullInAnyField_IsAnInvalidManifestNotACrash()
    {
        var manifest = ctx.Manifest() with { Files = [new PackageFile("weights/decoder.bin", new string('a', 64), 12)] };
        var original = JsonNode.Parse(manifest.ToJsonBytes())!;
        var paths = new List<string[]>();
        Collect(original, [], paths);
        Assert.True(paths.Count > 30);
        foreach (var path in paths)
        {
            var copy = original.DeepClone();
            var parent = copy;
            foreach (var step in path[..^1])
            {
                parent = int.TryParse(step, out var i) ? parent![i] : parent![step];
            }

            if (int.TryParse(path[^1], out var index))
            {
                parent!.AsArray()[index] = null;
            }
            else
            {
                parent![path[^1]] = null;
            }

            var bytes = Encoding.UTF8.GetBytes(copy.ToJsonString());
            var ex = Record.Exception(() => DecoderManifest.Parse(bytes));
            if (ex is not null)
            {
                Assert.True(ex is DecoderPackageException, $"{string.Join('.', path)} = null gave {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private static void Collect(JsonNode? node, string[] path, List<string[]> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    into.Add([.. path, key]);
                    Collect(child, [.. path, key], into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    into.Add([.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    Collect(array[i], [.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)], into);
                }

                break;
        }
    }

    [Fact]
    public void IdLongerThan64_IsRefused()
    {
        var ex = Assert.Throws<DecoderPackageException>(() => ctx.Manifest(id: new string('a', 65)).Validate());
        Assert.Equal(DecoderPackageRefusal.InvalidManifest, ex.Reason);
    }

    [Fact]
    public void InvertedBodyPartRange_IsRefused()
    {
        var ex = Assert.Throws<DecoderPackageException>(() => (ctx.Manifest() with { BodyPartRange = new BodyPartScoreRange(5, 5) }).Validate());
        Assert.Contains("bodyPartRange", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonPositiveTemperature_IsRefused()
    {
        var ex = Assert.Throws<DecoderPackageException>(() => (ctx.Manifest() with { CalibrationTemperature = 0 }).Validate());
        Assert.Contains("calibrationTemperature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateLabel_IsRefused()
    {
        var ex = Assert.Throws<DecoderPackageException>(() => ctx.Manifest(classes: [ctx.ClassFromCatalogue(1, "liver"), ctx.ClassFromCatalogue(1, "spleen")]).Validate());
        Assert.Contains("label 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRequiredProperty_IsInvalidManifest()
    {
        var json = JsonNode.Parse(ctx.Manifest().ToJsonBytes())!.AsObject();
        json.Remove("encoderFingerprint");
        var ex = Assert.Throws<DecoderPackageException>(() => DecoderManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));
        Assert.Equal(DecoderPackageRefusal.InvalidManifest, ex.Reason);
        Assert.Contains("encoderFingerprint", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../weights.bin")]
    [InlineData("/abs/weights.bin")]
    [InlineData("weights\\decoder.bin")]
    [InlineData("c:weights.bin")]
    [InlineData("weights/./decoder.bin")]
    [InlineData("")]
    public void UnsafeFilePath_IsRefused(string path)
    {
        var manifest = ctx.Manifest() with { Files = [new PackageFile(path, new string('0', 64), 1)] };
        var ex = Assert.Throws<DecoderPackageException>(manifest.Validate);
        Assert.Equal(DecoderPackageRefusal.UnsafePath, ex.Reason);
    }

    [Fact]
    public void ReservedOrDuplicateFilePath_IsRefused()
    {
        var sha = new string('0', 64);
        Assert.Throws<DecoderPackageException>((ctx.Manifest() with { Files = [new PackageFile("manifest.json", sha, 1)] }).Validate);
        Assert.Throws<DecoderPackageException>((ctx.Manifest() with { Files = [new PackageFile("a.bin", sha, 1), new PackageFile("A.bin", sha, 1)] }).Validate);
    }

    [Theory]
    [InlineData("1.0.0", "1.0.1")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("1.0.0-alpha", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.2", "1.0.0-alpha.10")]
    [InlineData("1.0.0-alpha.9", "1.0.0-beta")]
    [InlineData("2.0.0+build.9", "2.0.1+build.1")]
    public void VersionOrder_FollowsSemVer(string lower, string higher)
    {
        Assert.True(DecoderVersion.Compare(lower, higher) < 0);
        Assert.True(DecoderVersion.Compare(higher, lower) > 0);
        Assert.Equal(0, DecoderVersion.Compare(higher, higher));
    }

    [Fact]
    public void CatalogueCsv_LoadsEveryRowWithItsCodes()
    {
        var lines = File.ReadAllLines(ctx.CataloguePath);
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        Assert.Equal(rows.Count, ctx.Catalogue.Count);
        foreach (var row in rows)
        {
            var codes = ctx.Catalogue[row[2]];
            Assert.Equal((row[5], row[6], row[8], row[9]), (codes.Category.Code, codes.Category.Scheme, codes.Type.Code, codes.Type.Scheme));
            Assert.Equal(row[11].Length == 0 ? null : row[11], codes.Laterality?.Code);
        }
    }

    [Fact]
    public void CatalogueCsv_WithWrongHeader_IsRefused()
    {
        Assert.Throws<InvalidDataException>(() => CatalogueCsv.Parse(["name,code", "liver,1"], "test"));
    }
}
