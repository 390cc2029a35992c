namespace ContinualSegment.Phantom;

/// <summary>
/// Identifiers of the phantom's structure map: 0 air, 1–143 catalogue structures (global index),
/// and the unlabelled tissues below (present in the image, never in a label map).
/// </summary>
public static class TissueIds
{
    public const ushort Air = 0;
    public const ushort FirstUnlabelled = 150;
    public const ushort Skin = 150;
    public const ushort SubcutaneousFat = 151;
    public const ushort Muscle = 152;
    public const ushort VisceralFat = 153;
    public const ushort Bone = 154;
    public const ushort Disc = 155;
    public const ushort Airway = 156;
    public const ushort Csf = 157;
    public const ushort SoftTissue = 158;
    public const ushort TableShell = 159;
    public const ushort TableCore = 160;
    public const ushort BloodVessel = 161;
    public const ushort Count = 162;

    public static string Name(ushort id) => id switch
    {
        Air => "air",
        Skin => "skin",
        SubcutaneousFat => "subcutaneous_fat",
        Muscle => "muscle",
        VisceralFat => "visceral_fat",
        Bone => "bone",
        Disc => "intervertebral_disc",
        Airway => "airway",
        Csf => "cerebrospinal_fluid",
        SoftTissue => "soft_tissue",
        TableShell => "table_shell",
        TableCore => "table_core",
        BloodVessel => "blood_vessel",
        _ => $"structure_{id}",
    };
}
