using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-MOVE-RSP with the sub-operation counts (0000,1020)-(0000,1023).</summary>
public sealed record CMoveResponse : DimseResponse
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CMoveResponse;

    /// <summary>Number of Remaining Sub-operations.</summary>
    public ushort? Remaining { get; init; }

    /// <summary>Number of Completed Sub-operations.</summary>
    public ushort? Completed { get; init; }

    /// <summary>Number of Failed Sub-operations.</summary>
    public ushort? Failed { get; init; }

    /// <summary>Number of Warning Sub-operations.</summary>
    public ushort? Warning { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        base.WriteTo(command);
        Set(command, DimseCommandSet.RemainingSubOperations, Remaining);
        Set(command, DimseCommandSet.CompletedSubOperations, Completed);
        Set(command, DimseCommandSet.FailedSubOperations, Failed);
        Set(command, DimseCommandSet.WarningSubOperations, Warning);
    }

    private static void Set(DimseCommandSet command, ushort element, ushort? value)
    {
        if (value is { } v)
        {
            command.SetUInt16(element, v);
        }
    }
}
