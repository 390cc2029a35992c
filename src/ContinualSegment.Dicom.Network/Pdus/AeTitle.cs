using System.Text;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Application entity title rules: 1 to 16 characters of the default repertoire, no backslash or control characters, not all spaces.</summary>
public static class AeTitle
{
    /// <summary>Length of an AE title field on the wire.</summary>
    public const int FieldLength = 16;

    /// <summary>True when <paramref name="value"/> is a valid AE title (leading/trailing spaces are insignificant).</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > FieldLength)
        {
            return false;
        }

        var hasNonSpace = false;
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E || c == '\\')
            {
                return false;
            }

            hasNonSpace |= c != ' ';
        }

        return hasNonSpace;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> is a valid AE title.</summary>
    public static string Validate(string? value, string parameterName)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid AE title (1-16 characters, no backslash or control characters, not all spaces).", parameterName);
        }

        return value!.Trim(' ');
    }

    internal static void Write(ByteBuilder builder, string value)
    {
        var trimmed = Validate(value, nameof(value));
        Span<byte> field = stackalloc byte[FieldLength];
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(trimmed, field);
        builder.WriteBytes(field);
    }

    internal static string Read(ReadOnlySpan<byte> field, string what, bool strict)
    {
        var text = Encoding.ASCII.GetString(field).TrimEnd('\0').Trim(' ');
        if (strict && !IsValid(text))
        {
            throw new PduFormatException($"{what} is not a valid AE title.", AbortReason.InvalidPduParameterValue, framingLost: false);
        }

        return text;
    }
}
