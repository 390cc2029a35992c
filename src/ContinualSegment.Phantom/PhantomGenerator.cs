using System.Globalization;
using ContinualSegment.Imaging;
using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// Generates phantom CT cases: a random subject drawn from (seed, task, case index), rasterised on the
/// dataset's field of view with partial volume, correlated noise and a patient table; lesions only in
/// pathology cases. The same inputs always give the same voxels.
/// </summary>
public sealed class PhantomGenerator
{
    private static readonly double[] ClinicalSliceSpacings = [1.5, 2.0, 2.5, 3.0];
    private readonly StructureCatalogue catalogue;
    private readonly PhantomGeneratorOptions options;

    public PhantomGenerator(StructureCatalogue catalogue, PhantomGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        this.catalogue = catalogue;
        this.options = options ?? new PhantomGeneratorOptions();
        this.options.Validate();
    }

    public PhantomGenerator(PhantomGeneratorOptions? options = null)
        : this(StructureCatalogue.LoadDefault(), options)
    {
    }

    public StructureCatalogue Catalogue => catalogue;

    /// <summary>Seed of one case, mixed from the dataset seed, the task and the case index.</summary>
    public static int CaseSeed(int seed, string task, int caseIndex)
    {
        ArgumentNullException.ThrowIfNull(task);
        ulong h = 0x9E3779B97F4A7C15UL ^ (uint)seed;
        foreach (char c in task)
        {
            h = Mix(h ^ c);
        }

        h = Mix(h ^ (ulong)(uint)caseIndex);
        return (int)(h & 0x7FFFFFFF);
    }

    public PhantomCase Generate(string task, int seed, int caseIndex, CancellationToken cancellationToken = default)
    {
        PhantomFieldOfView fov = PhantomFieldOfView.For(task);
        _ = catalogue.ForTask(task);
        if (caseIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(caseIndex), caseIndex, "Case index must be non-negative.");
        }

        int caseSeed = CaseSeed(seed, task, caseIndex);
        var rng = new Random(caseSeed);
        SubjectParameters subject = SubjectParameters.Draw(rng);
        double U(double a, double b) => a + ((b - a) * rng.NextDouble());
        var translation = new Vec3(U(-8, 8), U(-8, 8), -500 + U(-30, 30));
        var mapping = new SubjectMapping(subject, translation, rng);
        bool pathology = task == "pathology";
        double? tumourZ = pathology ? U(450, 560) : null;
        var builder = new AnatomyBuilder(catalogue, subject, rng, tumourZ);
        PhantomAnatomy anatomy = builder.Build();

        // Grid.
        double fovMm = U(fov.FovMinMm, fov.FovMaxMm) * Math.Max(1.0, subject.Scale.X);
        double dz = options.SliceSpacingMm ?? PickSliceSpacing(rng);
        int n = options.InPlaneSize;
        double dx = fovMm / n;
        double zlo = translation.Z + (subject.Scale.Z * fov.ZMin), zhi = translation.Z + (subject.Scale.Z * fov.ZMax);
        int nz = Math.Max(1, (int)Math.Floor((zhi - zlo) / dz) + 1);
        double centreY = fov.Task == "headneck" ? 0 : 10;
        Vec3 centre = mapping.ToWorld(new Vec3(0, centreY, (fov.ZMin + fov.ZMax) / 2));
        var origin = new Vec3(centre.X - ((n - 1) * dx / 2), centre.Y - ((n - 1) * dx / 2), zlo);
        Affine3D grid = Affine3D.Axial(origin, new Vec3(dx, dx, dz));

        // Table under the patient (world space), then the anatomy.
        double tableTop = mapping.ToWorld(new Vec3(0, 127, 300)).Y + 3;
        var parts = new List<AnatomyPart>
        {
            new(TissueIds.TableShell, new AxisBox(new Vec3(centre.X - 230, tableTop, double.MinValue), new Vec3(centre.X + 230, tableTop + 40, double.MaxValue)), WorldSpace: true),
            new(TissueIds.TableCore, new AxisBox(new Vec3(centre.X - 226, tableTop + 4, double.MinValue), new Vec3(centre.X + 226, tableTop + 36, double.MaxValue)), WorldSpace: true),
        };
        parts.AddRange(anatomy.Parts);
        var raster = new Rasterizer(mapping, grid, n, n, nz, options.MaxDegreeOfParallelism);
        raster.Paint(parts, cancellationToken);

        ushort[] parent = (ushort[])anatomy.Parent.Clone();
        if (pathology)
        {
            var lesions = new LesionPlanner(catalogue, mapping, raster, rng);
            List<AnatomyPart> lesionParts = lesions.Plan(builder.EsophagealBulge, parent);
            raster.Paint(lesionParts, cancellationToken);
            parts.AddRange(lesionParts);
        }

        float[] hu = raster.FormImage(parts, anatomy.Hu, options.PartialVolume, cancellationToken);
        if (options.Streaks)
        {
            AddStreaks(hu, raster.Owner, n, n, nz, dx, caseSeed, cancellationToken);
        }

        if (options.Noise)
        {
            AddNoise(hu, n, n, nz, subject.NoiseSigmaHu, caseSeed, cancellationToken);
        }

        var image = new Volume<short>(n, n, nz, grid);
        for (int i = 0; i < hu.Length; i++)
        {
            image.Data[i] = (short)Math.Clamp(Math.Round(hu[i]), -1024, 3071);
        }

        var structureMap = new Volume<ushort>(n, n, nz, grid, raster.Owner);
        string caseId = string.Create(CultureInfo.InvariantCulture, $"{task}_{caseIndex:D4}");
        string phase = subject.Phase switch { ContrastPhase.Native => "native", ContrastPhase.Arterial => "arterial", _ => "portal venous" };
        var meta = new PhantomCaseMetadata
        {
            CaseId = caseId,
            Task = task,
            Seed = seed,
            CaseIndex = caseIndex,
            PatientName = "PHANTOM^" + caseId.ToUpperInvariant(),
            PatientId = string.Create(CultureInfo.InvariantCulture, $"PH{(uint)caseSeed:X8}"),
            Sex = subject.Sex,
            AgeYears = subject.AgeYears,
            StudyDescription = fov.StudyDescription,
            SeriesDescription = string.Create(CultureInfo.InvariantCulture, $"Phantom {task} {dz:0.0}mm {phase}"),
            BodyPartExamined = fov.BodyPart,
            Phase = subject.Phase,
            SliceThicknessMm = dz,
            NoiseSigmaHu = subject.NoiseSigmaHu,
            StableKey = Mix(((ulong)(uint)caseSeed << 32) ^ (uint)caseIndex),
        };
        return new PhantomCase(meta, image, structureMap, parent, catalogue);
    }

    private double PickSliceSpacing(Random rng)
    {
        double[] allowed = ClinicalSliceSpacings.Where(s => s >= options.MinSliceSpacingMm - 1e-9 && s <= options.MaxSliceSpacingMm + 1e-9).ToArray();
        return allowed.Length == 0
            ? options.MinSliceSpacingMm + ((options.MaxSliceSpacingMm - options.MinSliceSpacingMm) * rng.NextDouble())
            : allowed[rng.Next(allowed.Length)];
    }

    /// <summary>White noise per slice (seeded per slice, uniform then near-Gaussian after smoothing), smoothed in-plane by a [1 2 1]² kernel and scaled to σ.</summary>
    private void AddNoise(float[] img, int sx, int sy, int sz, double sigma, int caseSeed, CancellationToken ct)
    {
        const double KernelGain = 0.375; // sqrt(sum of squared weights of [1 2 1]⊗[1 2 1]/16)
        double whiteSigma = sigma / KernelGain;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = ct };
        Parallel.For(0, sz, po, k =>
        {
            ulong state = Mix(((ulong)(uint)caseSeed << 20) ^ (uint)k);
            int w = sx + 2, h = sy + 2;
            double[] white = new double[w * h];

            // Uniform white noise (unit variance); the 9-tap smoothing makes the sum close to Gaussian.
            const double UnitScale = 3.4641016151377544 / 4294967296.0; // sqrt(12) / 2^32
            for (int i = 0; i < white.Length; i += 2)
            {
                state += 0x9E3779B97F4A7C15UL;
                ulong r = Mix(state);
                white[i] = (((uint)r * UnitScale) - 1.7320508075688772);
                if (i + 1 < white.Length)
                {
                    white[i + 1] = (((uint)(r >> 32) * UnitScale) - 1.7320508075688772);
                }
            }

            double[] tmp = new double[w * h];
            for (int y = 0; y < h; y++)
            {
                for (int x = 1; x < w - 1; x++)
                {
                    int i = x + (w * y);
                    tmp[i] = (white[i - 1] + (2 * white[i]) + white[i + 1]) * 0.25;
                }
            }

            int plane = sx * sy;
            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++)
                {
                    int i = x + 1 + (w * (y + 1));
                    double v = (tmp[i - w] + (2 * tmp[i]) + tmp[i + w]) * 0.25;
                    img[x + (sx * y) + (plane * k)] += (float)(v * whiteSigma);
                }
            }
        });
    }

    /// <summary>
    /// Mild beam-hardening-like streaks: on slices whose dense-bone area exceeds a threshold, a few thin
    /// alternating dark/bright lines through the bone centroid, inside the patient only, scaled with the bone area.
    /// </summary>
    private void AddStreaks(float[] img, ushort[] owner, int sx, int sy, int sz, double pixelMm, int caseSeed, CancellationToken ct)
    {
        const float DenseBoneHu = 400f;
        const double MinBoneAreaMm2 = 1500, FullBoneAreaMm2 = 6000, MaxAmplitudeHu = 25, WidthPixels = 1.2;
        double pixelArea = pixelMm * pixelMm;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = ct };
        Parallel.For(0, sz, po, k =>
        {
            int plane = sx * sy, b = plane * k;
            long count = 0;
            double cx = 0, cy = 0;
            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++)
                {
                    if (img[b + x + (sx * y)] > DenseBoneHu)
                    {
                        count++;
                        cx += x;
                        cy += y;
                    }
                }
            }

            double area = count * pixelArea;
            if (area < MinBoneAreaMm2)
            {
                return;
            }

            cx /= count;
            cy /= count;
            ulong state = Mix(((ulong)(uint)caseSeed << 24) ^ (0x5157_0000UL + (uint)k));
            double amplitude = MaxAmplitudeHu * Math.Min(1.0, area / FullBoneAreaMm2);
            int lines = 3;
            double[] nx = new double[lines], ny = new double[lines], amp = new double[lines];
            for (int l = 0; l < lines; l++)
            {
                state = Mix(state);
                double theta = Math.PI * (state >> 11) / (1UL << 53);
                nx[l] = -Math.Sin(theta);
                ny[l] = Math.Cos(theta);
                amp[l] = (l % 2 == 0 ? -1 : 1) * amplitude;
            }

            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++)
                {
                    int i = b + x + (sx * y);
                    if (owner[i] == TissueIds.Air)
                    {
                        continue;
                    }

                    double v = 0;
                    for (int l = 0; l < lines; l++)
                    {
                        double d = (((x - cx) * nx[l]) + ((y - cy) * ny[l])) / WidthPixels;
                        v += amp[l] * Math.Exp(-0.5 * d * d);
                    }

                    img[i] += (float)v;
                }
            }
        });
    }

    internal static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
