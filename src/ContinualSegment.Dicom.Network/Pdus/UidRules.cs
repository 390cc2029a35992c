using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>UID syntax checks (PS3.5 §9): 1 to 64 characters, digits and dots, no empty component.</summary>
internal static class UidRules
{
    public const int MaxLength = 64;

    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > MaxLength || uid[0] == '.' || uid[^1] == '.')
        {
            return false;
        }

        var previous = '.';
        foreach (var c in uid)
        {
            if (c == '.')
            {
                if (previous == '.')
                {
                    return false;
                }
            }
            else if (c is < '0' or > '9')
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    public static string Validate(string? uid, string parameterName)
    {
        if (uid is null || !IsValid(uid))
        {
            throw new ArgumentException($"'{uid}' is not a valid UID (1-64 digits and dots, no empty component).", parameterName);
        }

        return uid;
    }

    public static void Write(ByteBuilder builder, string uid, string what)
    {
        Validate(uid, what);
        builder.WriteBytes(Encoding.ASCII.GetBytes(uid));
    }

    /// <summary>Decodes a UID field; one trailing NUL pad byte (used by some peers) is tolerated.</summary>
    public static string Read(ReadOnlySpan<byte> field, string what)
    {
        if (!field.IsEmpty && field[^1] == 0)
        {
            field = field[..^1];
        }

        if (field.Length is 0 or > MaxLength)
        {
            throw new PduFormatException($"{what}: UID length {field.Length} is outside 1..{MaxLength}.", AbortReason.InvalidPduParameterValue, framingLost: false);
        }

        var text = Encoding.ASCII.GetString(field);
        if (!IsValid(text))
        {
            throw new PduFormatException($"{what}: '{text}' is not a valid UID.", AbortReason.InvalidPduParameterValue, framingLost: false);
        }

        return text;
    }
}
