using System.Collections.Frozen;

namespace ContinualSegment.Model.Merging;

/// <summary>
/// Structures that lie inside another structure segmented by a different task. Both stay separate,
/// overlapping segments; in a single label map the inner (more specific) one is drawn on top.
/// </summary>
/// <remarks>
/// The table (inner → outer):
/// brainstem → brain; eye_lens_left → eye_left; eye_lens_right → eye_right;
/// eye_left, eye_right, lips → face;
/// heart_myocardium, heart_atrium_left, heart_atrium_right, heart_ventricle_left,
/// heart_ventricle_right → pericardium.
/// Lesions are not listed here: their hosts come from the catalogue's <c>overlaps</c> column and
/// they are always drawn above every organ.
/// </remarks>
public static class StructureNesting
{
    /// <summary>Inner structure → the structure that contains it.</summary>
    public static IReadOnlyDictionary<string, string> Default { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["brainstem"] = "brain",
        ["eye_lens_left"] = "eye_left",
        ["eye_lens_right"] = "eye_right",
        ["eye_left"] = "face",
        ["eye_right"] = "face",
        ["lips"] = "face",
        ["heart_myocardium"] = "pericardium",
        ["heart_atrium_left"] = "pericardium",
        ["heart_atrium_right"] = "pericardium",
        ["heart_ventricle_left"] = "pericardium",
        ["heart_ventricle_right"] = "pericardium",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
