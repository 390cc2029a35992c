namespace ContinualSegment.Dicom.Tests;

/// <summary>Mutated real files must either parse or throw <see cref="DicomException"/>, quickly and within the size limit.</summary>
public class FuzzTests
{
    private const long MaxElement = 1 << 20;

    /// <summary>Bytes of objects (elements, list slots, items) reading may allocate per input byte: files of tiny elements come near it.</summary>
    private const long AllocationPerInputByte = 16;

    private const long AllocationAllowance = 64 * 1024;

    /// <summary>Index of the deflated file among the seeds.</summary>
    private const int DeflatedSeed = 8;

    [Fact]
    public async Task Mutated_files_parse_or_throw_DicomException_only()
    {
        string[] seeds = ["CT_small.dcm", "MR_small_implicit.dcm", "rtstruct.dcm", "JPEG2000.dcm", "ExplVR_BigEnd.dcm", "UN_sequence.dcm", "test-SR.dcm", "SC_rgb_rle.dcm"];
        var originals = seeds.Select(s => File.ReadAllBytes(Path.Combine(PeerTools.PydicomData, "test_files", s))).ToList();
        using (var deflated = new MemoryStream())
        {
            DicomFile.Open(originals[0]).Save(deflated, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.DeflatedExplicitVRLittleEndian });
            originals.Add(deflated.ToArray());
        }

        originals.Add(File.ReadAllBytes(Path.Combine(PeerTools.PydicomData, "test_files", "no_meta.dcm")));
        var random = new Random(20261126);
        var options = new DicomReadOptions { MaxElementLength = MaxElement, MaxInflatedLength = 64 << 20 };
        var parsed = 0;
        var rejected = 0;
        var started = DateTime.UtcNow;
        for (var i = 0; i < 2000; i++)
        {
            var seed = i % originals.Count;
            var data = Mutate(originals[seed], random);
            var caseOptions = i % 5 == 0 ? new DicomReadOptions { MaxElementLength = MaxElement, StopBeforeTag = DicomTags.PixelData } : options;
            var task = Task.Run(() =>
            {
                // What reading allocates is bounded by the input (values are slices of it, never copies), or for a
                // deflated data set by the configured inflation limit.
                var limit = seed == DeflatedSeed ? 4 * caseOptions.MaxInflatedLength : (AllocationPerInputByte * (long)data.Length) + AllocationAllowance;
                DicomFile file;
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    file = DicomFile.Open(data, caseOptions);
                }
                finally
                {
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    Assert.True(allocated <= limit, $"case {i}: reading {data.Length} bytes allocated {allocated} bytes (limit {limit})");
                }

                AssertWithinLimit(file.Dataset);
                DicomDumper.ToText(file.Dataset); // exercises the typed accessors
                _ = DicomDatasetWriter.ToBytes(file.Dataset, DicomTransferSyntax.ImplicitVRLittleEndian);
            });
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(5));
                parsed++;
            }
            catch (DicomException)
            {
                rejected++;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"case {i} did not finish within 5 s");
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"case {i}: unexpected {ex.GetType().Name}: {ex}");
            }
        }

        Assert.True(parsed > 100 && rejected > 100, $"mutations should produce both outcomes (parsed {parsed}, rejected {rejected})");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "fuzzing took too long");
    }

    private static void AssertWithinLimit(DicomDataset ds)
    {
        foreach (var e in ds)
        {
            Assert.True(e.Length <= MaxElement, $"{e.Tag} exceeds the element size limit");
            if (e is DicomSequence sq)
            {
                foreach (var item in sq.Items)
                {
                    AssertWithinLimit(item);
                }
            }
        }
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bytes
                for (var n = random.Next(1, 9); n > 0; n--)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                return data;
            case 1: // a huge or undefined length somewhere
                {
                    var at = random.Next(data.Length - 4);
                    var value = random.Next(3) switch { 0 => 0xFFFFFFFFu, 1 => 0x7FFFFFF0u, _ => (uint)random.Next() };
                    BitConverter.TryWriteBytes(data.AsSpan(at), value);
                    return data;
                }

            case 2: // truncate
                return data[..random.Next(data.Length)];
            case 3: // insert random bytes
                {
                    var at = random.Next(data.Length);
                    var extra = new byte[random.Next(1, 16)];
                    random.NextBytes(extra);
                    return [.. data[..at], .. extra, .. data[at..]];
                }

            case 4: // 16-bit length field change near an element header
                {
                    var at = random.Next(132, data.Length - 8);
                    data[at + 6] = (byte)random.Next(256);
                    data[at + 7] = (byte)random.Next(256);
                    return data;
                }

            default: // delimiter tags in odd places
                {
                    var at = random.Next(data.Length - 8);
                    byte[] delimiter = random.Next(2) == 0 ? [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0] : [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];
                    delimiter.CopyTo(data, at);
                    return data;
                }
        }
    }
}
