namespace ContinualSegment.Dicom;

/// <summary>
/// A PN value split into its component groups (alphabetic, ideographic, phonetic, separated by '=')
/// and the alphabetic group's components (family^given^middle^prefix^suffix).
/// </summary>
public sealed record DicomPersonName(string Alphabetic, string Ideographic, string Phonetic)
{
    public string FamilyName => Component(Alphabetic, 0);

    public string GivenName => Component(Alphabetic, 1);

    public string MiddleName => Component(Alphabetic, 2);

    public string NamePrefix => Component(Alphabetic, 3);

    public string NameSuffix => Component(Alphabetic, 4);

    /// <summary>Splits one PN value (no backslashes) into its groups.</summary>
    public static DicomPersonName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var groups = value.Split('=');
        return new DicomPersonName(
            groups.Length > 0 ? groups[0] : string.Empty,
            groups.Length > 1 ? groups[1] : string.Empty,
            groups.Length > 2 ? groups[2] : string.Empty);
    }

    /// <summary>Builds the alphabetic group from components, dropping trailing empty ones.</summary>
    public static DicomPersonName FromComponents(string family, string given = "", string middle = "", string prefix = "", string suffix = "")
    {
        string[] parts = [family, given, middle, prefix, suffix];
        var count = parts.Length;
        while (count > 0 && string.IsNullOrEmpty(parts[count - 1]))
        {
            count--;
        }

        return new DicomPersonName(string.Join('^', parts, 0, count), string.Empty, string.Empty);
    }

    /// <summary>The component of group <paramref name="group"/> (0 family ... 4 suffix).</summary>
    public static string Component(string group, int index)
    {
        ArgumentNullException.ThrowIfNull(group);
        var parts = group.Split('^');
        return index < parts.Length ? parts[index] : string.Empty;
    }

    /// <summary>The DICOM encoding, e.g. "Yamada^Tarou=山田^太郎=やまだ^たろう", with trailing empty groups dropped.</summary>
    public override string ToString()
    {
        if (Phonetic.Length > 0)
        {
            return $"{Alphabetic}={Ideographic}={Phonetic}";
        }

        return Ideographic.Length > 0 ? $"{Alphabetic}={Ideographic}" : Alphabetic;
    }
}
