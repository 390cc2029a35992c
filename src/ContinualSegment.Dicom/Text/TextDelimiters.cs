namespace ContinualSegment.Dicom.Text;

/// <summary>
/// Which characters return an ISO 2022 coded value to its initial G0 and G1 sets (PS3.5 6.1.2.5.3):
/// CR, LF, TAB and FF always; the value delimiter '\' for the VRs that may hold several values;
/// and for PN also the component delimiter '^' and the component group delimiter '='.
/// </summary>
internal enum TextDelimiters
{
    /// <summary>LT, ST and UT: only the control characters (a backslash is text there).</summary>
    ControlsOnly,

    /// <summary>SH, LO and UC: the controls and '\'.</summary>
    MultiValued,

    /// <summary>PN: the controls, '\', '^' and '='.</summary>
    PersonName,
}
