using System.Globalization;
using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A DIMSE status code (PS3.7 Annex C, PS3.4 Tables B.2-1 and C.4) with its category.</summary>
public readonly record struct DimseStatus(ushort Code)
{
    /// <summary>0000 Success.</summary>
    public static readonly DimseStatus Success = new(0x0000);

    /// <summary>FF00 Pending: matches are continuing / sub-operations are continuing.</summary>
    public static readonly DimseStatus Pending = new(0xFF00);

    /// <summary>FF01 Pending: matches are continuing, but optional keys were not supported.</summary>
    public static readonly DimseStatus PendingWarning = new(0xFF01);

    /// <summary>FE00 Cancel: the operation was terminated by a C-CANCEL.</summary>
    public static readonly DimseStatus Cancel = new(0xFE00);

    /// <summary>B000 Warning: coercion of data elements (C-STORE) / sub-operations completed with failures (C-MOVE).</summary>
    public static readonly DimseStatus CoercionOfDataElements = new(0xB000);

    /// <summary>B007 Warning: data set does not match SOP class.</summary>
    public static readonly DimseStatus DataSetDoesNotMatchSopClassWarning = new(0xB007);

    /// <summary>B006 Warning: elements discarded.</summary>
    public static readonly DimseStatus ElementsDiscarded = new(0xB006);

    /// <summary>A700 Failure: refused, out of resources.</summary>
    public static readonly DimseStatus OutOfResources = new(0xA700);

    /// <summary>A701 Failure: out of resources, unable to calculate the number of matches (C-MOVE).</summary>
    public static readonly DimseStatus OutOfResourcesNumberOfMatches = new(0xA701);

    /// <summary>A702 Failure: out of resources, unable to perform sub-operations (C-MOVE).</summary>
    public static readonly DimseStatus OutOfResourcesSubOperations = new(0xA702);

    /// <summary>A801 Failure: move destination unknown.</summary>
    public static readonly DimseStatus MoveDestinationUnknown = new(0xA801);

    /// <summary>A900 Failure: data set does not match SOP class / identifier does not match SOP class.</summary>
    public static readonly DimseStatus DataSetDoesNotMatchSopClass = new(0xA900);

    /// <summary>C000 Failure: cannot understand.</summary>
    public static readonly DimseStatus CannotUnderstand = new(0xC000);

    /// <summary>0110 Failure: processing failure.</summary>
    public static readonly DimseStatus ProcessingFailure = new(0x0110);

    /// <summary>0122 Failure: SOP class not supported.</summary>
    public static readonly DimseStatus SopClassNotSupported = new(0x0122);

    /// <summary>0124 Failure: not authorized (refused).</summary>
    public static readonly DimseStatus NotAuthorized = new(0x0124);

    /// <summary>0211 Failure: unrecognized operation.</summary>
    public static readonly DimseStatus UnrecognizedOperation = new(0x0211);

    /// <summary>The category of <see cref="Code"/>.</summary>
    public DimseStatusCategory Category => Code switch
    {
        0x0000 => DimseStatusCategory.Success,
        0xFF00 or 0xFF01 => DimseStatusCategory.Pending,
        0xFE00 => DimseStatusCategory.Cancel,
        0x0001 or 0x0107 or 0x0116 => DimseStatusCategory.Warning,
        >= 0xB000 and <= 0xBFFF => DimseStatusCategory.Warning,
        _ => DimseStatusCategory.Failure,
    };

    /// <summary>True for success.</summary>
    public bool IsSuccess => Category == DimseStatusCategory.Success;

    /// <summary>True for pending.</summary>
    public bool IsPending => Category == DimseStatusCategory.Pending;

    /// <summary>True for failure.</summary>
    public bool IsFailure => Category == DimseStatusCategory.Failure;

    /// <summary>True when the operation completed (success or warning).</summary>
    public bool IsSuccessOrWarning => Category is DimseStatusCategory.Success or DimseStatusCategory.Warning;

    /// <summary>A short description of well-known codes.</summary>
    public string Description => Code switch
    {
        0x0000 => "Success",
        0xFF00 => "Pending",
        0xFF01 => "Pending (optional keys not supported)",
        0xFE00 => "Cancel",
        0xB000 => "Warning: coercion of data elements / sub-operations complete with failures",
        0xB006 => "Warning: elements discarded",
        0xB007 => "Warning: data set does not match SOP class",
        0xA700 => "Refused: out of resources",
        0xA701 => "Refused: out of resources (number of matches)",
        0xA702 => "Refused: out of resources (sub-operations)",
        0xA801 => "Refused: move destination unknown",
        0xA900 => "Error: data set does not match SOP class",
        0x0110 => "Processing failure",
        0x0122 => "SOP class not supported",
        0x0124 => "Not authorized",
        0x0211 => "Unrecognized operation",
        >= 0xA700 and <= 0xA7FF => "Refused: out of resources",
        >= 0xC000 and <= 0xCFFF => "Error: cannot understand",
        _ => Category.ToString(),
    };

    /// <inheritdoc />
    public override string ToString() => Code.ToString("X4", CultureInfo.InvariantCulture) + " " + Description;
}
