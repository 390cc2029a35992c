namespace ContinualSegment.Model.Packages;

/// <summary>Validation of relative paths inside a package and of ids.</summary>
internal static class PackagePaths
{
    /// <summary>The longest relative path accepted.</summary>
    public const int MaxPathLength = 240;

    /// <summary>
    /// Returns null when <paramref name="path"/> is a safe relative path (forward slashes, no empty,
    /// <c>.</c> or <c>..</c> segments, no drive letter, no backslash, no control characters),
    /// else the reason it is not.
    /// </summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "the path is empty";
        }

        if (path.Length > MaxPathLength)
        {
            return $"the path is longer than {MaxPathLength} characters";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "the path contains a backslash";
        }

        if (path[0] == '/')
        {
            return "the path is absolute";
        }

        if (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0]))
        {
            return "the path has a drive letter";
        }

        foreach (var c in path)
        {
            if (char.IsControl(c) || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|')
            {
                return "the path contains a character that is not allowed in file names";
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "the path has an empty segment";
            }

            if (segment is "." or "..")
            {
                return "the path has a '.' or '..' segment";
            }

            if (segment.EndsWith('.') || segment.EndsWith(' '))
            {
                return "a path segment ends with a dot or a space";
            }
        }

        return null;
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="root"/>, refused when it
    /// would leave <paramref name="root"/>.
    /// </summary>
    public static string Resolve(string root, string relative)
    {
        var problem = Problem(relative);
        if (problem is not null)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.UnsafePath, $"'{relative}' is not a safe package path: {problem}");
        }

        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        if (!full.StartsWith(fullRoot, StringComparison.Ordinal))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.UnsafePath, $"'{relative}' would be written outside the decoder's folder");
        }

        return full;
    }

    /// <summary>True for ids of 1..64 characters from [a-z0-9._-] starting with a letter or digit.</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !(char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0])))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for 64 lower-case hex digits.</summary>
    public static bool IsSha256Hex(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
