using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.StateMachine;

/// <summary>
/// PS3.8 Table 9-10 as data: for every [event, state] the action to perform, and for every action the state(s)
/// it may lead to. Blank cells of the standard are <see cref="UpperLayerAction.None"/>.
/// </summary>
public static class StateTransitionTable
{
    /// <summary>Number of states (Sta1..Sta13).</summary>
    public const int StateCount = 13;

    /// <summary>Number of events (Evt1..Evt19).</summary>
    public const int EventCount = 19;

    private const byte __ = (byte)UpperLayerAction.None;
    private const byte AE1 = (byte)UpperLayerAction.AE1;
    private const byte AE2 = (byte)UpperLayerAction.AE2;
    private const byte AE3 = (byte)UpperLayerAction.AE3;
    private const byte AE4 = (byte)UpperLayerAction.AE4;
    private const byte AE5 = (byte)UpperLayerAction.AE5;
    private const byte AE6 = (byte)UpperLayerAction.AE6;
    private const byte AE7 = (byte)UpperLayerAction.AE7;
    private const byte AE8 = (byte)UpperLayerAction.AE8;
    private const byte DT1 = (byte)UpperLayerAction.DT1;
    private const byte DT2 = (byte)UpperLayerAction.DT2;
    private const byte AR1 = (byte)UpperLayerAction.AR1;
    private const byte AR2 = (byte)UpperLayerAction.AR2;
    private const byte AR3 = (byte)UpperLayerAction.AR3;
    private const byte AR4 = (byte)UpperLayerAction.AR4;
    private const byte AR5 = (byte)UpperLayerAction.AR5;
    private const byte AR6 = (byte)UpperLayerAction.AR6;
    private const byte AR7 = (byte)UpperLayerAction.AR7;
    private const byte AR8 = (byte)UpperLayerAction.AR8;
    private const byte AR9 = (byte)UpperLayerAction.AR9;
    private const byte R10 = (byte)UpperLayerAction.AR10;
    private const byte AA1 = (byte)UpperLayerAction.AA1;
    private const byte AA2 = (byte)UpperLayerAction.AA2;
    private const byte AA3 = (byte)UpperLayerAction.AA3;
    private const byte AA4 = (byte)UpperLayerAction.AA4;
    private const byte AA5 = (byte)UpperLayerAction.AA5;
    private const byte AA6 = (byte)UpperLayerAction.AA6;
    private const byte AA7 = (byte)UpperLayerAction.AA7;
    private const byte AA8 = (byte)UpperLayerAction.AA8;

    /// <summary>Rows Evt1..Evt19, columns Sta1..Sta13.</summary>
    private static ReadOnlySpan<byte> Cells =>
    [
        //  1    2    3    4    5    6    7    8    9   10   11   12   13
        AE1, __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  // Evt1  A-ASSOCIATE request
        __,  __,  __,  AE2, __,  __,  __,  __,  __,  __,  __,  __,  __,  // Evt2  transport connect confirmation
        __,  AA1, AA8, __,  AE3, AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA6, // Evt3  A-ASSOCIATE-AC PDU
        __,  AA1, AA8, __,  AE4, AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA6, // Evt4  A-ASSOCIATE-RJ PDU
        AE5, __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  // Evt5  transport connection indication
        __,  AE6, AA8, __,  AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA7, // Evt6  A-ASSOCIATE-RQ PDU
        __,  __,  AE7, __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  // Evt7  A-ASSOCIATE response (accept)
        __,  __,  AE8, __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  // Evt8  A-ASSOCIATE response (reject)
        __,  __,  __,  __,  __,  DT1, __,  AR7, __,  __,  __,  __,  __,  // Evt9  P-DATA request
        __,  AA1, AA8, __,  AA8, DT2, AR6, AA8, AA8, AA8, AA8, AA8, AA6, // Evt10 P-DATA-TF PDU
        __,  __,  __,  __,  __,  AR1, __,  __,  __,  __,  __,  __,  __,  // Evt11 A-RELEASE request
        __,  AA1, AA8, __,  AA8, AR2, AR8, AA8, AA8, AA8, AA8, AA8, AA6, // Evt12 A-RELEASE-RQ PDU
        __,  AA1, AA8, __,  AA8, AA8, AR3, AA8, AA8, R10, AR3, AA8, AA6, // Evt13 A-RELEASE-RP PDU
        __,  __,  __,  __,  __,  __,  __,  AR4, AR9, __,  __,  AR4, __,  // Evt14 A-RELEASE response
        __,  __,  AA1, AA2, AA1, AA1, AA1, AA1, AA1, AA1, AA1, AA1, __,  // Evt15 A-ABORT request
        __,  AA2, AA3, __,  AA3, AA3, AA3, AA3, AA3, AA3, AA3, AA3, AA2, // Evt16 A-ABORT PDU
        __,  AA5, AA4, AA4, AA4, AA4, AA4, AA4, AA4, AA4, AA4, AA4, AR5, // Evt17 transport connection closed
        __,  AA2, __,  __,  __,  __,  __,  __,  __,  __,  __,  __,  AA2, // Evt18 ARTIM timer expired
        __,  AA1, AA8, __,  AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA8, AA7, // Evt19 unrecognized or invalid PDU
    ];

    /// <summary>The action for <paramref name="evt"/> in <paramref name="state"/>; <see cref="UpperLayerAction.None"/> for a blank cell.</summary>
    public static UpperLayerAction GetAction(UpperLayerEvent evt, AssociationState state)
    {
        var e = (int)evt - 1;
        var s = (int)state - 1;
        if ((uint)e >= EventCount || (uint)s >= StateCount)
        {
            throw new ArgumentOutOfRangeException(nameof(evt), $"{evt}/{state} is outside the table.");
        }

        return (UpperLayerAction)Cells[(e * StateCount) + s];
    }

    /// <summary>
    /// The state(s) an action leads to. AE-6 leads to Sta3 (request acceptable) or Sta13 (rejected by the
    /// provider); AR-8 to Sta9 (association-requestor) or Sta10 (association-acceptor); every other action to one state.
    /// </summary>
    public static IReadOnlyList<AssociationState> GetNextStates(UpperLayerAction action) => action switch
    {
        UpperLayerAction.AE1 => [AssociationState.Sta4],
        UpperLayerAction.AE2 => [AssociationState.Sta5],
        UpperLayerAction.AE3 or UpperLayerAction.AE7 or UpperLayerAction.DT1 or UpperLayerAction.DT2 => [AssociationState.Sta6],
        UpperLayerAction.AE4 or UpperLayerAction.AR3 or UpperLayerAction.AR5 or UpperLayerAction.AA2
            or UpperLayerAction.AA3 or UpperLayerAction.AA4 or UpperLayerAction.AA5 => [AssociationState.Sta1],
        UpperLayerAction.AE5 => [AssociationState.Sta2],
        UpperLayerAction.AE6 => [AssociationState.Sta3, AssociationState.Sta13],
        UpperLayerAction.AE8 or UpperLayerAction.AR4 or UpperLayerAction.AA1 or UpperLayerAction.AA6
            or UpperLayerAction.AA7 or UpperLayerAction.AA8 => [AssociationState.Sta13],
        UpperLayerAction.AR1 or UpperLayerAction.AR6 => [AssociationState.Sta7],
        UpperLayerAction.AR2 or UpperLayerAction.AR7 => [AssociationState.Sta8],
        UpperLayerAction.AR8 => [AssociationState.Sta9, AssociationState.Sta10],
        UpperLayerAction.AR9 => [AssociationState.Sta11],
        UpperLayerAction.AR10 => [AssociationState.Sta12],
        _ => [],
    };

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> when <paramref name="next"/> is not one of the next states of
    /// <paramref name="action"/> (<see cref="GetNextStates"/>): the check an association makes after each action when
    /// <see cref="UpperLayerOptions.VerifyTransitions"/> is on.
    /// </summary>
    internal static void VerifyTransition(UpperLayerAction action, UpperLayerEvent evt, AssociationState from, AssociationState next)
    {
        if (!GetNextStates(action).Contains(next))
        {
            throw new InvalidOperationException($"Action {action} on {evt} in {from} went to {next}, which PS3.8 does not allow.");
        }
    }
}
