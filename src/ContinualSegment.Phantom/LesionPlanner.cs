using ContinualSegment.Imaging;
using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// Places the pathology lesions after the healthy anatomy is painted: irregular blobs (a main sphere
/// plus satellites) centred where a ball of the blob's extent plus a margin lies wholly in the host
/// organ, painted only over host voxels — so every lesion voxel lies inside its host.
/// </summary>
internal sealed class LesionPlanner(StructureCatalogue catalogue, SubjectMapping mapping, Rasterizer raster, Random rng)
{
    private static readonly Vec3[] Directions = BuildDirections();

    public List<AnatomyPart> Plan(Vec3? esophagealBulge, ushort[] parent)
    {
        var parts = new List<AnatomyPart>();
        ushort liver = Id("liver");
        PlaceBlob(parts, parent, Id("liver_tumor"), liver, U(9, 24), satellites: 2);
        string[] lobes = ["lung_upper_lobe_left", "lung_lower_lobe_left", "lung_upper_lobe_right", "lung_middle_lobe_right", "lung_lower_lobe_right"];
        string lobe = lobes[rng.Next(lobes.Length)];
        if (!PlaceBlob(parts, parent, Id("lung_tumor"), Id(lobe), U(6, 15), satellites: 1))
        {
            foreach (string other in lobes)
            {
                if (PlaceBlob(parts, parent, Id("lung_tumor"), Id(other), U(6, 12), satellites: 1))
                {
                    break;
                }
            }
        }

        if (esophagealBulge is Vec3 c)
        {
            ushort host = Id("esophagus"), id = Id("esophageal_tumor");
            var offset = new Vec3(U(-3, 3), U(-3, 3), U(-4, 4));
            var blob = new Union(
                new SuperEllipsoid(c + offset, new Vec3(U(10, 13), U(10, 13), U(16, 22))),
                new SuperEllipsoid(c + offset + new Vec3(U(-5, 5), U(-5, 5), U(-8, 8)), new Vec3(U(6, 9), U(6, 9), U(8, 12))));
            parts.Add(new AnatomyPart(id, blob, OnlyOver: host));
            parent[id] = host;
        }

        return parts;
    }

    private double U(double a, double b) => a + ((b - a) * rng.NextDouble());

    private ushort Id(string name) => (ushort)catalogue[name].GlobalIndex;

    private bool PlaceBlob(List<AnatomyPart> parts, ushort[] parent, ushort id, ushort host, double radius, int satellites)
    {
        ushort[] owner = raster.Owner;
        var hostVoxels = new List<int>();
        for (int i = 0; i < owner.Length; i++)
        {
            if (owner[i] == host)
            {
                hostVoxels.Add(i);
            }
        }

        if (hostVoxels.Count == 0)
        {
            return false;
        }

        Vec3 spacing = mapping.MInverse.Apply(new Vec3(1, 1, 1));
        double scale = (Math.Abs(spacing.X) + Math.Abs(spacing.Y) + Math.Abs(spacing.Z)) / 3;
        double r = radius;
        for (int attempt = 0; attempt < 400; attempt++)
        {
            if (attempt > 0 && attempt % 80 == 0)
            {
                r *= 0.75;
            }

            int v = hostVoxels[rng.Next(hostVoxels.Count)];
            Vec3 centre = WorldOf(v);
            double reach = (1.45 * r) + 3;
            if (!BallInside(centre, reach, host))
            {
                continue;
            }

            Vec3 qc = mapping.ToCanonical(centre);
            double rc = r / scale;
            var blobs = new List<IShape> { new SuperEllipsoid(qc, new Vec3(rc * U(0.85, 1.15), rc * U(0.85, 1.15), rc * U(0.85, 1.15))) };
            for (int s = 0; s < satellites; s++)
            {
                Vec3 d = Directions[rng.Next(Directions.Length)];
                blobs.Add(new SuperEllipsoid(qc + (d * (0.6 * rc)), new Vec3(rc * 0.6, rc * 0.55, rc * 0.65)));
            }

            parts.Add(new AnatomyPart(id, new Union([.. blobs]), OnlyOver: host));
            parent[id] = host;
            return true;
        }

        return false;
    }

    private Vec3 WorldOf(int index) => raster.WorldOfIndex(index);

    private bool BallInside(Vec3 centre, double reach, ushort host)
    {
        foreach (double f in new[] { 0.5, 1.0 })
        {
            foreach (Vec3 d in Directions)
            {
                if (!raster.TryIndex(centre + (d * (reach * f)), out int idx) || raster.Owner[idx] != host)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static Vec3[] BuildDirections()
    {
        var list = new List<Vec3>();
        for (int x = -1; x <= 1; x++)
        {
            for (int y = -1; y <= 1; y++)
            {
                for (int z = -1; z <= 1; z++)
                {
                    if (x != 0 || y != 0 || z != 0)
                    {
                        list.Add(new Vec3(x, y, z).Normalized());
                    }
                }
            }
        }

        return [.. list];
    }
}
