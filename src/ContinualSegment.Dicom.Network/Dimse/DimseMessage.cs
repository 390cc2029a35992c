using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A DIMSE-C message: its command set fields; a data set, when present, travels separately.</summary>
public abstract record DimseMessage
{
    /// <summary>The command field.</summary>
    public abstract DimseCommandField CommandField { get; }

    /// <summary>True when a data set follows the command (Command Data Set Type other than 0101H).</summary>
    public abstract bool HasDataSet { get; }

    internal abstract void WriteTo(DimseCommandSet command);
}
