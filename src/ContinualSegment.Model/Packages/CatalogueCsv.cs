using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// The codes of the structure catalogue (<c>catalogue/organs-143.csv</c>) by structure name, as package installation
/// checks them. The file is read by <see cref="StructureCatalogue"/>, the one reader of that format.
/// </summary>
public static class CatalogueCsv
{
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid catalogue.</exception>
    public static async Task<IReadOnlyDictionary<string, CatalogueCodes>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return CodesOf(await StructureCatalogue.LoadAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"catalogue '{path}': {e.Message}", e);
        }
    }

    /// <exception cref="InvalidDataException">The lines are not a valid catalogue.</exception>
    public static IReadOnlyDictionary<string, CatalogueCodes> Parse(IReadOnlyList<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        try
        {
            return CodesOf(StructureCatalogue.Parse(string.Join('\n', lines)));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"catalogue '{source}': {e.Message}", e);
        }
    }

    private static Dictionary<string, CatalogueCodes> CodesOf(StructureCatalogue catalogue) =>
        catalogue.Structures.ToDictionary(static s => s.Name, static s => new CatalogueCodes(s.Category, s.Type, s.Laterality), StringComparer.Ordinal);
}
