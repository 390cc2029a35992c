namespace ContinualSegment.Model.Tests;

/// <summary>Finds the repository's catalogue CSV from the test output folder.</summary>
internal static class CatalogueFile
{
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "catalogue", "organs-143.csv");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("catalogue/organs-143.csv not found above " + AppContext.BaseDirectory);
        }
    }
}
