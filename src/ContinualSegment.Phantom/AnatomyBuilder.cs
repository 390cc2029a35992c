using ContinualSegment.Imaging;
using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// Builds the canonical adult layout (LPS mm; z = 0 near the perineum, vertex at z ≈ 880; +x is the
/// patient's left, +y posterior) as parametric solids in painter's order, with per-structure jitter.
/// Nesting across tasks (a child's voxels also belong to its parent in the parent's task):
/// lens ⊂ eye ⊂ face, lips ⊂ face, oral cavity ⊂ face, brainstem / optic chiasm / pituitary ⊂ brain,
/// myocardium and heart chambers ⊂ pericardium, lesions ⊂ their host organ.
/// </summary>
internal sealed class AnatomyBuilder
{
    private static readonly (string Child, string Parent)[] Nesting =
    [
        ("eye_lens_left", "eye_left"), ("eye_lens_right", "eye_right"), ("eye_left", "face"), ("eye_right", "face"),
        ("lips", "face"), ("oral_cavity", "face"), ("brainstem", "brain"), ("optic_chiasm", "brain"),
        ("pituitary_gland", "brain"), ("heart_myocardium", "pericardium"), ("heart_atrium_left", "pericardium"),
        ("heart_atrium_right", "pericardium"), ("heart_ventricle_left", "pericardium"), ("heart_ventricle_right", "pericardium"),
    ];

    private readonly StructureCatalogue cat;
    private readonly SubjectParameters subject;
    private readonly Random rng;
    private readonly List<AnatomyPart> parts = [];
    private SweptContour trunk = null!;
    private SweptContour cavity = null!;
    private readonly double? tumourZ;

    /// <summary>Centre of the oesophageal wall thickening, when one was requested.</summary>
    public Vec3? EsophagealBulge { get; private set; }

    public AnatomyBuilder(StructureCatalogue catalogue, SubjectParameters subject, Random rng, double? esophagealTumourZ = null)
    {
        tumourZ = esophagealTumourZ;
        cat = catalogue;
        this.subject = subject;
        this.rng = rng;
    }

    /// <summary>Names of the parent of each nested structure.</summary>
    public static IReadOnlyList<(string Child, string Parent)> NestingPairs => Nesting;

    /// <summary>Cervical C1..C7, thoracic T1..T12, lumbar L1..L5 centre heights (canonical mm).</summary>
    public static double VertebraZ(char region, int n) => region switch
    {
        'C' => 706 - (15 * (n - 1)),
        'T' => 598 - (23 * (n - 1)),
        'L' => 317 - (29 * (n - 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(region)),
    };

    public PhantomAnatomy Build()
    {
        BuildBody();
        BuildHeadShell();
        BuildMuscles();
        BuildAbdomen();
        BuildThorax();
        BuildVessels();
        BuildNeckAndHead();
        BuildSkeleton();

        ushort[] parent = new ushort[TissueIds.Count];
        foreach ((string c, string p) in Nesting)
        {
            parent[Id(c)] = Id(p);
        }

        var present = parts.Select(p => p.Id).ToHashSet();
        foreach (StructureInfo s in cat.Structures.Where(s => !s.IsLesion))
        {
            if (!present.Contains((ushort)s.GlobalIndex))
            {
                throw new InvalidOperationException($"The layout has no solid for '{s.Name}'.");
            }
        }

        return new PhantomAnatomy(parts, parent, TissueTable.Draw(cat, subject.Phase, rng), cat);
    }

    internal ushort Id(string name) => (ushort)cat[name].GlobalIndex;

    private double U(double a, double b) => a + ((b - a) * rng.NextDouble());

    private Vec3 J(double x, double y, double z, double mm = 2.0) => new(x + U(-mm, mm), y + U(-mm, mm), z + U(-mm, mm));

    private Vec3 Rad(double a, double b, double c, double f = 0.06)
    {
        double s = 1 + U(-f, f);
        return new Vec3(a * s * (1 + U(-0.03, 0.03)), b * s * (1 + U(-0.03, 0.03)), c * s * (1 + U(-0.03, 0.03)));
    }

    private void Add(string name, IShape shape) => parts.Add(new AnatomyPart(Id(name), shape));

    private void Add(ushort id, IShape shape) => parts.Add(new AnatomyPart(id, shape));

    private static string Side(int s, string stem) => stem + (s > 0 ? "_left" : "_right");

    private static readonly int[] Sides = [1, -1];

    private static SuperEllipsoid E(Vec3 c, Vec3 r, double rx = 0, double ry = 0, double rz = 0, double e = 2.0) =>
        new(c, r, rx == 0 && ry == 0 && rz == 0 ? Mat3.Identity : Mat3.FromEulerDegrees(rx, ry, rz), e);

    private Tube T(double jitter, double radiusScale, params (double X, double Y, double Z, double R)[] pts)
    {
        var p = new Vec3[pts.Length];
        double[] r = new double[pts.Length];
        double s = 1 + U(-0.05, 0.05);
        for (int i = 0; i < pts.Length; i++)
        {
            p[i] = jitter > 0 ? J(pts[i].X, pts[i].Y, pts[i].Z, jitter) : new Vec3(pts[i].X, pts[i].Y, pts[i].Z);
            r[i] = pts[i].R * s * radiusScale;
        }

        return new Tube(p, r);
    }

    private static double SpineY(double z)
    {
        (double Z, double Y)[] k = [(150, 60), (200, 48), (260, 40), (330, 50), (380, 58), (440, 62), (520, 58), (580, 35), (620, 18), (720, 10)];
        if (z <= k[0].Z)
        {
            return k[0].Y;
        }

        for (int i = 0; i < k.Length - 1; i++)
        {
            if (z <= k[i + 1].Z)
            {
                double t = (z - k[i].Z) / (k[i + 1].Z - k[i].Z);
                return k[i].Y + ((k[i + 1].Y - k[i].Y) * t);
            }
        }

        return k[^1].Y;
    }

    private static (double Rx, double Ry, double H, double Canal) VertebraSize(char region, int n) => region switch
    {
        'C' => (13 + (0.4 * n), 9 + (0.3 * n), 5.5, 7.5),
        'T' => (16 + (0.7 * n), 13 + (0.5 * n), 9.0, 6.5),
        _ => (24 + (0.8 * n), 18 + (0.5 * n), 12.0, 8.5),
    };

    private static double CanalY(double z, char region, int n)
    {
        (double _, double ry, double _, double canal) = VertebraSize(region, n);
        return SpineY(z) + ry + canal + 2;
    }

    private static double CanalYAt(double z) =>
        z > 610 ? CanalY(z, 'C', 4) : z > 330 ? CanalY(z, 'T', 6) : CanalY(z, 'L', 3);

    private void BuildBody()
    {
        double fat = subject.FatMm;
        ContourKey K(double z, double cy, double rx, double ry, double e = 2.0) => new(z, 0, cy, rx, ry, e);
        ContourKey[] trunk =
        [
            K(20, 15, 150, 95, 2.2), K(60, 15, 175, 100, 2.2), K(120, 15, 180, 108, 2.3), K(200, 10, 170, 110, 2.3),
            K(260, 5, 158, 112, 2.3), K(330, 5, 150 + (fat * 0.6), 112 + (fat * 0.4), 2.3), K(400, 5, 158, 115, 2.3),
            K(470, 8, 162, 115, 2.4), K(540, 10, 168, 112, 2.4), K(575, 12, 175, 105, 2.4), K(595, 12, 150, 92, 2.2),
            K(610, 15, 75, 65), K(640, 10, 57, 66), K(665, 0, 58, 80), K(690, -2, 64, 92), K(715, 0, 70, 98),
            K(740, 3, 76, 100), K(790, 5, 78, 100), K(830, 6, 72, 92), K(855, 6, 58, 74), K(872, 6, 36, 46), K(882, 6, 8, 10),
        ];
        this.trunk = new SweptContour(trunk);

        // Layer thickness: the subject's fat and a 12 mm muscle wall on the trunk, a thin scalp on the head and neck.
        ContourKey[] Inset(Func<double, double> mm) =>
            [.. trunk.Select(k => k with { RadiusX = k.RadiusX - mm(k.Z), RadiusY = k.RadiusY - mm(k.Z) })];
        double HeadBlend(double z) => Math.Clamp((z - 590) / 30, 0, 1);
        double FatAt(double z) => fat + ((4 - fat) * HeadBlend(z));
        double MuscleAt(double z) => 12 + ((3 - 12) * HeadBlend(z));
        cavity = new SweptContour(Inset(z => 2 + FatAt(z) + MuscleAt(z)));
        Add(TissueIds.Skin, this.trunk);
        Add(TissueIds.SubcutaneousFat, new SweptContour(Inset(_ => 2)));
        Add(TissueIds.Muscle, new SweptContour(Inset(z => 2 + FatAt(z))));
        Add(TissueIds.VisceralFat, cavity);

        foreach (int s in Sides)
        {
            ContourKey[] thigh =
            [
                new(-240, s * 95, 10, 62, 66, 2), new(-100, s * 95, 8, 70, 74, 2), new(0, s * 92, 5, 78, 82, 2), new(60, s * 85, 5, 80, 85, 2),
            ];
            Add(TissueIds.Skin, new SweptContour(thigh));
            Add(TissueIds.SubcutaneousFat, new SweptContour(thigh, 2));
            Add(TissueIds.Muscle, new SweptContour(thigh, 2 + (fat * 0.8)));

            (double, double, double, double)[] arm =
            [
                (s * 178, 12, 585, 44), (s * 198, 18, 420, 40), (s * 212, 20, 300, 34), (s * 222, 5, 170, 30), (s * 228, -10, 60, 28),
            ];
            Add(TissueIds.Skin, T(0, 1, arm));
            Add(TissueIds.SubcutaneousFat, T(0, 0.94, arm));
            Add(TissueIds.Muscle, T(0, 0.75, arm));
            Add(TissueIds.Bone, T(1, 1, (s * 212, 14, 298, 7), (s * 226, -14, 70, 6)));
            Add(TissueIds.Bone, T(1, 1, (s * 212, 28, 298, 7), (s * 226, 2, 70, 6)));
        }
    }

    private void BuildHeadShell()
    {
        Add("face", new Intersection(E(J(0, -68, 735), Rad(62, 32, 60), e: 2.5), trunk));
        var skullOuter = E(J(0, 10, 797, 1), Rad(71, 90, 82, 0.03));
        var skullInner = E(J(0, 10, 798, 1), Rad(65, 84, 76, 0.03));
        Add(TissueIds.Bone, new Intersection(new Difference(skullOuter, skullInner), new HalfSpace(new Vec3(0, 0, 725), new Vec3(0, 0, 1))));
        Add(TissueIds.Csf, new Intersection(skullInner, new HalfSpace(new Vec3(0, 0, 725), new Vec3(0, 0, 1))));
        foreach (int s in Sides)
        {
            Add(TissueIds.Bone, E(J(s * 40, 25, 745, 1), Rad(18, 25, 12)));
        }
    }

    private void BuildMuscles()
    {
        foreach (int s in Sides)
        {
            double x = s * 35;
            Add(Side(s, "autochthon"), T(1.5, 1,
                (x, CanalYAt(630) + 10, 630, 16), (x, CanalYAt(560) + 12, 560, 22), (x, CanalYAt(480) + 12, 480, 24),
                (x, CanalYAt(400) + 12, 400, 25), (x, CanalYAt(320) + 13, 320, 29), (s * 38, CanalYAt(250) + 13, 250, 30),
                (s * 36, CanalYAt(190) + 12, 190, 24)));
            Add(Side(s, "iliopsoas"), T(2, 1,
                (s * 30, 45, 320, 12), (s * 48, 40, 260, 18), (s * 65, 25, 190, 22), (s * 80, -5, 120, 20), (s * 88, -25, 70, 17), (s * 100, -15, 20, 14)));
            Add(Side(s, "gluteus_maximus"), new Intersection(E(J(s * 80, 88, 95), Rad(62, 34, 82), rz: s * -10), trunk));
            Add(Side(s, "gluteus_medius"), E(J(s * 118, 55, 172), Rad(40, 24, 55), ry: s * 20));
            Add(Side(s, "gluteus_minimus"), E(J(s * 110, 33, 150), Rad(26, 12, 36), ry: s * 20));
        }
    }

    private void BuildAbdomen()
    {
        var domeR = E(J(-65, 15, 370, 3), new Vec3(105, 125, 100));
        var domeL = E(J(70, 20, 365, 3), new Vec3(100, 120, 92));
        var belowDiaphragm = new Union(domeR, domeL);
        DomeR = domeR;
        DomeL = domeL;

        // Colon frame, then small bowel loops inside it.
        Add("colon", T(3, 1,
            (-75, -15, 200, 24), (-85, 0, 250, 22), (-88, 5, 320, 22), (-75, -25, 350, 20), (-40, -65, 335, 20), (0, -70, 330, 20),
            (40, -65, 340, 20), (78, -10, 375, 18), (92, 25, 320, 17), (90, 30, 250, 17), (80, 15, 200, 16), (45, -20, 175, 15),
            (10, 0, 165, 15), (0, 48, 150, 15), (0, 55, 110, 15), (0, 45, 70, 14)));
        var sb = new List<(double, double, double, double)>();
        double[] ys = [-65, -42, -19, 4];
        for (int layer = 0; layer < 5; layer++)
        {
            double z = 200 + (25 * layer);
            for (int row = 0; row < ys.Length; row++)
            {
                int dir = ((layer * ys.Length) + row) % 2 == 0 ? 1 : -1;
                for (int step = 0; step <= 5; step++)
                {
                    double x = dir * (-60 + (25 * step));
                    sb.Add((x + U(-4, 4), ys[row] + U(-3, 3), z + U(-4, 4), 12));
                }
            }
        }

        Add("small_bowel", new Intersection(T(0, 1, [.. sb]), cavity));
        Add("urinary_bladder", E(J(0, -45, 125), Rad(42, 32, 32, 0.15)));
        Add("liver", new Intersection(
            new Union(E(J(-62, 5, 405, 3), Rad(88, 82, 68, 0.08), e: 2.3), E(J(0, -40, 428), Rad(45, 30, 28))), belowDiaphragm, cavity));
        Add("stomach", new Intersection(new Union(
            E(J(58, 10, 425), Rad(38, 35, 35, 0.1)),
            T(2, 1, (55, -5, 415, 30), (50, -40, 385, 28), (25, -55, 360, 24), (-5, -45, 355, 18), (-22, -30, 358, 12))), belowDiaphragm, cavity));
        Add("duodenum", T(2, 1, (-22, -30, 358, 12), (-45, -25, 352, 13), (-55, -10, 335, 13), (-50, 0, 310, 13), (-25, 5, 298, 13), (5, 5, 298, 12), (25, 0, 312, 11)));
        Add("pancreas", T(2, 1, (-30, -10, 355, 15), (-5, -5, 365, 11), (30, 15, 375, 10), (60, 35, 390, 9), (80, 45, 398, 8)));
        Add("spleen", new Intersection(E(J(88, 55, 405), Rad(32, 50, 55, 0.12), rz: 35), domeL, cavity));
        foreach (int s in Sides)
        {
            Add(Side(s, "kidney"), E(J(s * 72, 58, s > 0 ? 335 : 322, 3), Rad(27, 24, 55, 0.08), ry: s * 12, rz: s * -15));
            Add(Side(s, "adrenal_gland"), E(J(s * 42, s > 0 ? 48 : 40, s > 0 ? 388 : 392), Rad(8, 5, 20, 0.1), rz: s * 30));
        }

        Add("gallbladder", E(J(-58, -50, 375), Rad(14, 14, 32, 0.15), rx: 30));
    }

    internal IShape DomeR { get; private set; } = null!;

    internal IShape DomeL { get; private set; } = null!;

    private void BuildThorax()
    {
        double breastDepth = subject.Sex == PatientSex.Female ? U(35, 55) : U(18, 26);
        foreach (int s in Sides)
        {
            Add(Side(s, "breast"), new Intersection(E(J(s * 90, -100, 485), Rad(65, breastDepth, 58)), new HalfSpace(new Vec3(0, -92, 0), new Vec3(0, -1, 0))));
        }

        var diaphragm = new Union(DomeR, DomeL);
        var oblique = new HalfSpace(J(0, 25, 540, 3), new Vec3(0, -0.6, 0.8));
        var lungL = new Difference(new Intersection(E(J(78, 25, 525), Rad(62, 82, 112, 0.05), e: 2.2), cavity), diaphragm);
        var lungR = new Difference(new Intersection(E(J(-78, 22, 530), Rad(66, 82, 108, 0.05), e: 2.2), cavity), diaphragm);
        double horiz = U(535, 550);
        Add("lung_upper_lobe_left", new Intersection(lungL, oblique));
        Add("lung_lower_lobe_left", new Difference(lungL, oblique));
        Add("lung_upper_lobe_right", new Intersection(lungR, oblique, new HalfSpace(new Vec3(0, 0, horiz), new Vec3(0, 0, 1))));
        Add("lung_middle_lobe_right", new Difference(new Intersection(lungR, oblique), new HalfSpace(new Vec3(0, 0, horiz), new Vec3(0, 0, 1))));
        Add("lung_lower_lobe_right", new Difference(lungR, oblique));

        Add("thymus", E(J(0, -68, 555), Rad(26, 10, 32, 0.15)));
        Add("pericardium", E(J(10, -20, 478), Rad(76, 60, 64, 0.05)));
        Add("heart_myocardium", E(J(40, -20, 465), Rad(36, 34, 45, 0.06)));
        Add("heart_ventricle_left", E(J(42, -20, 462), Rad(24, 23, 36, 0.08)));
        Add("heart_ventricle_right", E(J(0, -48, 462), Rad(36, 16, 34, 0.08)));
        Add("heart_atrium_right", E(J(-38, -12, 488), Rad(24, 22, 28, 0.08)));
        Add("heart_atrium_left", E(J(15, 18, 500), Rad(28, 17, 20, 0.08)));
    }

    private void BuildVessels()
    {
        Add("pulmonary_artery", new Union(
            T(1, 1, (10, -55, 495, 13), (18, -40, 520, 13), (15, -15, 528, 12)),
            T(1, 1, (15, -15, 528, 9), (45, 0, 525, 9), (65, 15, 515, 8)),
            T(1, 1, (15, -15, 528, 9), (-20, -5, 525, 9), (-50, 5, 515, 8))));
        Add("aorta", T(1, 1,
            (30, -20, 500, 14), (20, -35, 530, 14), (15, -30, 560, 13), (22, 0, 575, 12), (30, 30, 560, 12), (28, 40, 530, 11),
            (28, 42, 450, 11), (15, 38, 360, 10.5), (6, 30, 280, 10), (4, 20, 215, 9)));
        Add("inferior_vena_cava", T(1, 1, (-22, 32, 212, 11), (-24, 32, 300, 11), (-26, 28, 380, 11), (-28, 12, 440, 12), (-30, -5, 470, 12)));
        Add("portal_vein_and_splenic_vein", T(1.5, 1, (75, 48, 395, 6), (40, 28, 372, 6.5), (5, 12, 362, 7), (-20, 0, 375, 8), (-40, -5, 400, 7)));
        Add("superior_vena_cava", T(1, 1, (-30, -25, 505, 9.5), (-30, -25, 545, 9.5), (-28, -22, 575, 9)));
        Add("brachiocephalic_vein_right", T(1, 1, (-28, -22, 575, 6.5), (-40, -18, 598, 6.5), (-55, -8, 612, 6)));
        Add("brachiocephalic_vein_left", T(1, 1, (-28, -22, 577, 6), (-5, -40, 585, 6), (30, -35, 595, 6), (55, -15, 610, 6)));
        foreach (int s in Sides)
        {
            Add(Side(s, "iliac_artery"), T(1, 1, (4, 20, 215, 6.5), (s * 40, 18, 180, 6), (s * 65, 5, 140, 5.5), (s * 78, -10, 100, 5)));
            Add(Side(s, "iliac_vena"), T(1, 1, (-22, 32, 212, 8), (s > 0 ? 10 : -30, 35, 200, 7.5), (s * 37, 36, 178, 7.5), (s * 59, 25, 140, 7), (s * 72, 10, 100, 6.5)));
            Add(Side(s, "internal_thoracic_artery"), T(0.5, 1, (s * 28, -72, 600, 2.5), (s * 30, -80, 560, 2.5), (s * 32, -82, 480, 2.4), (s * 38, -80, 420, 2.3)));
        }
    }

    private void BuildNeckAndHead()
    {
        Add("thyroid_gland", new Union(
            E(J(19, -30, 618, 1), Rad(9, 10, 22, 0.1)), E(J(-19, -30, 618, 1), Rad(9, 10, 22, 0.1)), E(J(0, -38, 606, 1), Rad(12, 4, 6))));
        Add("larynx", E(J(0, -38, 655, 1), Rad(19, 15, 22), e: 2.5));
        (double, double, double, double)[] pharynx = [(0, -12, 728, 14), (0, -16, 700, 14), (0, -14, 660, 13), (0, -8, 636, 12)];
        Tube outer = T(0, 1, pharynx);
        Tube inner = T(0, 0.62, pharynx);
        Add("pharyngeal_constrictors", new Difference(outer, inner));
        Add(TissueIds.Airway, inner);
        Tube esophagus = T(1, 1, (0, -6, 636, 7), (1, 4, 600, 8), (4, 18, 560, 8), (8, 34, 500, 8), (14, 34, 450, 8), (28, 18, 412, 9), (42, 0, 398, 10));
        Add("esophagus", esophagus);
        if (tumourZ is double tz)
        {
            // Wall thickening: a local widening of the oesophagus around the centreline at height tz.
            IReadOnlyList<Vec3> cl = esophagus.Points;
            Vec3 c = cl[0];
            for (int i = 0; i < cl.Count - 1; i++)
            {
                if (tz <= cl[i].Z && tz >= cl[i + 1].Z)
                {
                    double t = (cl[i].Z - tz) / (cl[i].Z - cl[i + 1].Z);
                    c = cl[i] + ((cl[i + 1] - cl[i]) * t);
                }
            }

            EsophagealBulge = c;
            Add("esophagus", E(c, Rad(14, 13, 24, 0.1)));
        }

        Add("trachea", T(0.5, 1, (0, -26, 640, 9), (0, -20, 600, 9), (0, -8, 560, 9), (0, 2, 528, 8.5)));
        Add("main_bronchus_left", T(0.5, 1, (0, 2, 528, 6.5), (22, 10, 512, 6), (42, 20, 490, 5.5)));
        Add("main_bronchus_right", T(0.5, 1, (0, 2, 528, 7), (-18, 8, 515, 7), (-32, 14, 500, 6.5)));
        foreach (int s in Sides)
        {
            Add(Side(s, "brachial_plexus"), T(1, 1, (s * 22, 15, 650, 4.5), (s * 45, 5, 628, 4.5), (s * 80, 0, 610, 4.5), (s * 120, 5, 592, 4.5), (s * 150, 15, 578, 4.5)));
            Add(Side(s, "parotid_gland"), E(J(s * 57, 6, 708, 1.5), Rad(9, 19, 24, 0.1)));
            Add(Side(s, "submandibular_gland"), E(J(s * 33, -28, 660, 1.5), Rad(11, 14, 10, 0.1)));
        }

        Add("oral_cavity", E(J(0, -40, 700, 1.5), Rad(26, 30, 13, 0.08)));
        Add("lips", new Union(E(J(0, -86, 709, 1), Rad(24, 6, 6)), E(J(0, -85, 697, 1), Rad(22, 6, 6))));
        Add("brain", new Union(E(J(0, 12, 800, 1.5), Rad(61, 77, 57, 0.05), e: 2.2), E(J(0, 50, 738, 1.5), Rad(48, 30, 24, 0.05))));
        Add("brainstem", T(1, 1, (0, 22, 765, 13), (0, 26, 735, 11), (0, 30, 712, 10)));
        Add("pituitary_gland", E(J(0, -8, 748, 1), Rad(6, 5, 4, 0.1)));
        Add("optic_chiasm", E(J(0, -18, 764, 1), Rad(11, 5, 2.8, 0.05)));
        foreach (int s in Sides)
        {
            Add(Side(s, "optic_nerve"), T(0.5, 1, (s * 30, -60, 770, 2.7), (s * 20, -40, 768, 2.7), (s * 9, -20, 765, 2.7)));
            Vec3 eye = J(s * 32, -70, 770, 1);
            Add(Side(s, "eye"), E(eye, Rad(11.5, 11.5, 11.5, 0.04)));
            Add(Side(s, "eye_lens"), E(eye + new Vec3(0, -9.5, 0), Rad(4.5, 2.0, 4.5, 0.05)));
            Add(Side(s, "cochlea"), E(J(s * 38, 22, 745, 1), Rad(4, 4, 3, 0.05)));
        }

        Add("mandible", T(1, 1,
            (44, 12, 728, 6), (44, 8, 700, 6.5), (42, 2, 683, 7), (35, -35, 677, 7), (20, -60, 673, 7.5), (0, -70, 672, 8),
            (-20, -60, 673, 7.5), (-35, -35, 677, 7), (-42, 2, 683, 7), (-44, 8, 700, 6.5), (-44, 12, 728, 6)));
    }

    // Kept as one top-to-bottom list of bones: it draws from the seeded rng and adds parts in an order the byte-identical phantom depends on.
    private void BuildSkeleton()
    {
        var regions = new List<(char R, int N)>();
        for (int n = 1; n <= 7; n++) { regions.Add(('C', n)); }
        for (int n = 1; n <= 12; n++) { regions.Add(('T', n)); }
        for (int n = 1; n <= 5; n++) { regions.Add(('L', n)); }

        // Discs first, then vertebrae (body, arch ring around the canal, spinous and transverse processes).
        for (int i = 0; i < regions.Count - 1; i++)
        {
            double z0 = VertebraZ(regions[i].R, regions[i].N), z1 = VertebraZ(regions[i + 1].R, regions[i + 1].N);
            (double rx, double ry, double _, double _) = VertebraSize(regions[i + 1].R, regions[i + 1].N);
            double zm = (z0 + z1) / 2;
            Add(TissueIds.Disc, E(new Vec3(0, SpineY(zm), zm), new Vec3(rx, ry, Math.Abs(z0 - z1) / 2), e: 2.6));
        }

        foreach ((char r, int n) in regions)
        {
            double z = VertebraZ(r, n) + U(-1, 1);
            (double rx, double ry, double h, double canal) = VertebraSize(r, n);
            double yb = SpineY(z);
            double yc = yb + ry + canal + 2;
            double spine = r == 'C' ? 14 : 24;
            double tp = r == 'C' ? 26 : r == 'T' ? 30 : 38;
            var ring = new Difference(
                E(new Vec3(0, yc, z - 1), new Vec3(canal + 6, canal + 6, h * 0.8)),
                new Tube([new Vec3(0, yc, z - 30), new Vec3(0, yc, z + 30)], canal));
            Add($"vertebrae_{r}{n}", new Union(
                E(new Vec3(0, yb, z), Rad(rx, ry, h, 0.03), e: 2.6),
                ring,
                E(new Vec3(0, yc + canal + 6 + (spine / 2), z - (0.3 * h)), new Vec3(4, spine / 2, h * 0.6)),
                E(new Vec3(0, yc - 2, z), new Vec3(tp, 5, h * 0.5))));
        }

        Add("sacrum", E(J(0, 78, 145, 1.5), Rad(46, 14, 48, 0.05), rx: 25));
        foreach (int s in Sides)
        {
            Vec3 head = J(s * 92, -5, 100, 1.5);
            double hr = 23 * (1 + U(-0.05, 0.05));
            var femHead = new SuperEllipsoid(head, new Vec3(hr, hr, hr));
            Add(Side(s, "hip"), new Union(
                E(J(s * 95, 30, 170, 2), Rad(55, 12, 50, 0.05), rz: s * -40),
                new Difference(E(head, new Vec3(hr + 8, hr + 8, hr + 8)), new SuperEllipsoid(head, new Vec3(hr + 1, hr + 1, hr + 1)), new HalfSpace(head, new Vec3(s, 0, 0))),
                T(1, 1, (s * 80, -5, 95, 10), (s * 15, -55, 85, 9)),
                T(1, 1, (s * 82, 5, 95, 12), (s * 55, 30, 60, 11))));
            Add(Side(s, "femur"), new Union(
                femHead,
                T(1, 1, (head.X, head.Y, head.Z, 15), (s * 125, 5, 75, 16)),
                T(1, 1, (s * 122, 5, 85, 15), (s * 110, 8, -60, 14), (s * 100, 10, -230, 13))));
        }

        for (int n = 1; n <= 12; n++)
        {
            double z0 = VertebraZ('T', n);
            ContourKey sec = cavity.SectionAt(z0) ?? throw new InvalidOperationException("Rib level outside the trunk.");
            double a = sec.RadiusX + 4, b = sec.RadiusY + 2;
            double yc = sec.CentreY;
            double drop = n <= 10 ? 30 + (5 * n) : 20;
            double end = n <= 7 ? Math.PI - Math.Asin(Math.Min(1, 24 / a)) : n <= 10 ? 2.5 - (0.1 * (n - 8)) : n == 11 ? 1.7 : 1.4;
            if (n == 1)
            {
                a *= 0.75;
                b *= 0.8;
            }

            foreach (int s in Sides)
            {
                double start = Math.Asin(Math.Min(1, 30 / a));
                var pts = new List<Vec3>();
                const int steps = 16;
                for (int i = 0; i <= steps; i++)
                {
                    double th = start + ((end - start) * i / steps);
                    double t = (double)i / steps;
                    double zz = z0 + (4 * Math.Sin(Math.PI * t)) - (drop * t * t);
                    pts.Add(new Vec3(s * a * Math.Sin(th), yc + (b * Math.Cos(th)), zz));
                }

                double rr = (n == 1 ? 5.5 : n >= 11 ? 4.2 : 5.0) * (1 + U(-0.05, 0.05));
                Add($"rib_{(s > 0 ? "left" : "right")}_{n}", new Tube(pts, rr));
            }
        }

        Add("sternum", E(J(0, -90, 515, 1), Rad(18, 7, 78, 0.05), e: 2.5));
        foreach (int s in Sides)
        {
            Add(Side(s, "clavicula"), T(1, 1, (s * 18, -62, 588, 6.5), (s * 80, -55, 600, 6.5), (s * 150, 5, 598, 6.5)));
            Add(Side(s, "scapula"), new Union(
                E(J(s * 100, 88, 515, 2), Rad(48, 7, 62, 0.05), rz: s * 20, e: 2.2),
                T(1, 1, (s * 60, 100, 560, 6), (s * 150, 70, 580, 6))));
            Add(Side(s, "humerus"), new Union(
                new SuperEllipsoid(J(s * 172, 10, 568, 1), Rad(22, 22, 22, 0.05)),
                T(1, 1, (s * 180, 12, 565, 12), (s * 208, 20, 310, 11))));
        }

        // Spinal canal and cord.
        var canalPts = new List<(double, double, double, double)> { (0, 30, 712, 5) };
        for (double z = 690; z >= 320; z -= 20)
        {
            canalPts.Add((0, CanalYAt(z), z, 5));
        }

        Add(TissueIds.Csf, T(0, 1.5, [.. canalPts]));
        Add("spinal_cord", T(0, 1, [.. canalPts]));
    }
}
