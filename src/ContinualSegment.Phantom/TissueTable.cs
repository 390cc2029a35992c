using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom;

/// <summary>
/// Mean CT numbers (HU) per structure-map id and contrast phase (native, arterial, portal venous),
/// from typical adult CT values; each case adds a small random offset per tissue.
/// </summary>
internal static class TissueTable
{
    private static readonly Dictionary<string, (double N, double A, double V)> Catalogue = new(StringComparer.Ordinal)
    {
        ["spleen"] = (48, 120, 115), ["kidney"] = (33, 180, 165), ["gallbladder"] = (10, 12, 14), ["liver"] = (58, 75, 110),
        ["stomach"] = (25, 40, 50), ["aorta"] = (42, 320, 170), ["inferior_vena_cava"] = (40, 90, 160),
        ["portal_vein_and_splenic_vein"] = (40, 110, 180), ["pancreas"] = (45, 120, 95), ["adrenal_gland"] = (28, 65, 60),
        ["lung"] = (-850, -850, -850), ["vertebrae"] = (300, 300, 300), ["esophagus"] = (40, 60, 70), ["trachea"] = (-900, -900, -900),
        ["heart_myocardium"] = (45, 110, 100), ["heart_atrium_left"] = (40, 300, 160), ["heart_ventricle_left"] = (40, 300, 160),
        ["heart_atrium_right"] = (40, 220, 150), ["heart_ventricle_right"] = (40, 220, 150), ["pulmonary_artery"] = (40, 280, 150),
        ["brain"] = (34, 36, 36), ["iliac_artery"] = (42, 310, 165), ["iliac_vena"] = (40, 80, 150), ["small_bowel"] = (30, 50, 60),
        ["duodenum"] = (30, 60, 70), ["colon"] = (-300, -300, -300), ["rib"] = (400, 400, 400), ["humerus"] = (550, 550, 550),
        ["scapula"] = (450, 450, 450), ["clavicula"] = (500, 500, 500), ["femur"] = (550, 550, 550), ["hip"] = (420, 420, 420),
        ["sacrum"] = (330, 330, 330), ["face"] = (40, 45, 45), ["gluteus"] = (50, 55, 55), ["autochthon"] = (48, 52, 52),
        ["iliopsoas"] = (50, 55, 55), ["urinary_bladder"] = (10, 12, 15), ["spinal_cord"] = (35, 38, 38),
        ["main_bronchus"] = (-880, -880, -880), ["breast"] = (-60, -50, -50), ["thymus"] = (-20, 0, 0), ["pericardium"] = (15, 20, 20),
        ["superior_vena_cava"] = (40, 250, 160), ["brachiocephalic_vein"] = (40, 220, 150), ["internal_thoracic_artery"] = (42, 300, 160),
        ["sternum"] = (350, 350, 350), ["thyroid_gland"] = (110, 170, 140), ["brachial_plexus"] = (40, 45, 45),
        ["brainstem"] = (33, 35, 35), ["optic_nerve"] = (30, 32, 32), ["optic_chiasm"] = (32, 34, 34), ["eye"] = (12, 14, 14),
        ["eye_lens"] = (95, 95, 95), ["parotid_gland"] = (10, 30, 30), ["submandibular_gland"] = (45, 90, 80), ["mandible"] = (800, 800, 800),
        ["oral_cavity"] = (25, 40, 45), ["larynx"] = (60, 80, 80), ["pharyngeal_constrictors"] = (55, 70, 70), ["cochlea"] = (250, 250, 250),
        ["pituitary_gland"] = (55, 120, 90), ["lips"] = (40, 60, 60), ["liver_tumor"] = (40, 55, 60), ["lung_tumor"] = (30, 50, 50),
        ["esophageal_tumor"] = (40, 70, 80),
    };

    private static readonly Dictionary<ushort, double> Unlabelled = new()
    {
        [TissueIds.Air] = -1000, [TissueIds.Skin] = 20, [TissueIds.SubcutaneousFat] = -100, [TissueIds.Muscle] = 50,
        [TissueIds.VisceralFat] = -90, [TissueIds.Bone] = 700, [TissueIds.Disc] = 80, [TissueIds.Airway] = -950,
        [TissueIds.Csf] = 8, [TissueIds.SoftTissue] = 40, [TissueIds.TableShell] = 250, [TissueIds.TableCore] = -850,
        [TissueIds.BloodVessel] = 45,
    };

    /// <summary>Mean HU of a catalogue structure for a phase (before per-case jitter).</summary>
    public static double Nominal(string name, ContrastPhase phase)
    {
        (double n, double a, double v) = Lookup(name);
        return phase switch { ContrastPhase.Native => n, ContrastPhase.Arterial => a, _ => v };
    }

    public static float[] Draw(StructureCatalogue catalogue, ContrastPhase phase, Random rng)
    {
        float[] hu = new float[TissueIds.Count];
        foreach (StructureInfo s in catalogue.Structures)
        {
            double mean = Nominal(s.Name, phase);
            double jitter = Math.Abs(mean) >= 250 && mean > 0 ? 40 : 8;
            hu[s.GlobalIndex] = (float)(mean + (jitter * ((2 * rng.NextDouble()) - 1)));
        }

        foreach ((ushort id, double v) in Unlabelled)
        {
            double jitter = id is TissueIds.Air or TissueIds.TableCore or TissueIds.TableShell ? 0 : v >= 250 ? 40 : 6;
            hu[id] = (float)(v + (jitter * ((2 * rng.NextDouble()) - 1)));
        }

        if (phase != ContrastPhase.Native)
        {
            hu[TissueIds.BloodVessel] = hu[catalogue["inferior_vena_cava"].GlobalIndex];
        }

        return hu;
    }

    private static (double, double, double) Lookup(string name)
    {
        if (Catalogue.TryGetValue(name, out var v))
        {
            return v;
        }

        // Families: strip side suffixes and numbers (kidney_left → kidney, rib_left_3 → rib, vertebrae_T4 → vertebrae, lung lobes → lung).
        foreach (string key in new[] { "lung", "vertebrae", "rib", "gluteus" })
        {
            if (name.StartsWith(key, StringComparison.Ordinal))
            {
                return Catalogue[key];
            }
        }

        string stem = name.Replace("_left", string.Empty, StringComparison.Ordinal).Replace("_right", string.Empty, StringComparison.Ordinal);
        return Catalogue.TryGetValue(stem, out var w) ? w : throw new KeyNotFoundException($"No CT number for '{name}'.");
    }
}
