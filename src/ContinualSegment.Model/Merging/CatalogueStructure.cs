namespace ContinualSegment.Model.Merging;

/// <summary>The facts about one catalogue structure that merging needs.</summary>
/// <param name="GlobalIndex">Row in the catalogue, 1–143: the value in a merged label map.</param>
/// <param name="Name">Catalogue name (e.g. <c>liver</c>).</param>
/// <param name="Task">The task it belongs to (wholebody, chest, headneck, pathology).</param>
/// <param name="TaskLabel">Its label inside its task.</param>
/// <param name="HostOrgans">For lesions: the healthy organs it lies in (the catalogue's <c>overlaps</c> column).</param>
public sealed record CatalogueStructure(int GlobalIndex, string Name, string Task, int TaskLabel, IReadOnlyList<string> HostOrgans)
{
    /// <summary>Whether it is a lesion (it declares host organs).</summary>
    public bool IsLesion => HostOrgans.Count > 0;
}
