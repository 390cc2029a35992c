using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>
/// Checks every [event, state] cell against PS3.8 Table 9-10, transcribed here row by row from the standard's
/// text (one line per event listing its non-blank cells), and every action's next state against Tables 9-6..9-9.
/// </summary>
public sealed class StateTransitionTableTests
{
    // Event -> "state:action" for each non-blank cell of PS3.8 Table 9-10. Every cell not listed is blank.
    private static readonly Dictionary<int, string> Standard = new()
    {
        [1] = "1:AE-1",
        [2] = "4:AE-2",
        [3] = "2:AA-1 3:AA-8 5:AE-3 6:AA-8 7:AA-8 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-6",
        [4] = "2:AA-1 3:AA-8 5:AE-4 6:AA-8 7:AA-8 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-6",
        [5] = "1:AE-5",
        [6] = "2:AE-6 3:AA-8 5:AA-8 6:AA-8 7:AA-8 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-7",
        [7] = "3:AE-7",
        [8] = "3:AE-8",
        [9] = "6:DT-1 8:AR-7",
        [10] = "2:AA-1 3:AA-8 5:AA-8 6:DT-2 7:AR-6 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-6",
        [11] = "6:AR-1",
        [12] = "2:AA-1 3:AA-8 5:AA-8 6:AR-2 7:AR-8 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-6",
        [13] = "2:AA-1 3:AA-8 5:AA-8 6:AA-8 7:AR-3 8:AA-8 9:AA-8 10:AR-10 11:AR-3 12:AA-8 13:AA-6",
        [14] = "8:AR-4 9:AR-9 12:AR-4",
        [15] = "3:AA-1 4:AA-2 5:AA-1 6:AA-1 7:AA-1 8:AA-1 9:AA-1 10:AA-1 11:AA-1 12:AA-1",
        [16] = "2:AA-2 3:AA-3 5:AA-3 6:AA-3 7:AA-3 8:AA-3 9:AA-3 10:AA-3 11:AA-3 12:AA-3 13:AA-2",
        [17] = "2:AA-5 3:AA-4 4:AA-4 5:AA-4 6:AA-4 7:AA-4 8:AA-4 9:AA-4 10:AA-4 11:AA-4 12:AA-4 13:AR-5",
        [18] = "2:AA-2 13:AA-2",
        [19] = "2:AA-1 3:AA-8 5:AA-8 6:AA-8 7:AA-8 8:AA-8 9:AA-8 10:AA-8 11:AA-8 12:AA-8 13:AA-7",
    };

    // Next state of each action, from the action descriptions of PS3.8 Tables 9-6 to 9-9.
    private static readonly Dictionary<string, int[]> NextStates = new()
    {
        ["AE-1"] = [4], ["AE-2"] = [5], ["AE-3"] = [6], ["AE-4"] = [1], ["AE-5"] = [2], ["AE-6"] = [3, 13], ["AE-7"] = [6], ["AE-8"] = [13],
        ["DT-1"] = [6], ["DT-2"] = [6],
        ["AR-1"] = [7], ["AR-2"] = [8], ["AR-3"] = [1], ["AR-4"] = [13], ["AR-5"] = [1], ["AR-6"] = [7], ["AR-7"] = [8], ["AR-8"] = [9, 10], ["AR-9"] = [11], ["AR-10"] = [12],
        ["AA-1"] = [13], ["AA-2"] = [1], ["AA-3"] = [1], ["AA-4"] = [1], ["AA-5"] = [1], ["AA-6"] = [13], ["AA-7"] = [13], ["AA-8"] = [13],
    };

    public static TheoryData<int> Events => new(Enumerable.Range(1, 19));

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryCellOfTheRow_MatchesTable9_10(int evt)
    {
        var expected = Standard[evt].Split(' ').Select(c => c.Split(':')).ToDictionary(p => int.Parse(p[0]), p => p[1]);
        for (var state = 1; state <= 13; state++)
        {
            var action = StateTransitionTable.GetAction((UpperLayerEvent)evt, (AssociationState)state);
            var expectedAction = expected.GetValueOrDefault(state, "-");
            Assert.True(expectedAction == Name(action), $"Evt{evt}/Sta{state}: expected {expectedAction}, table has {Name(action)}");
        }
    }

    [Fact]
    public void EveryAction_LeadsToTheStatesOfTables9_6To9_9()
    {
        foreach (var (name, states) in NextStates)
        {
            var action = Enum.GetValues<UpperLayerAction>().Single(a => Name(a) == name);
            Assert.Equal(states, StateTransitionTable.GetNextStates(action).Select(s => (int)s).ToArray());
        }

        Assert.Empty(StateTransitionTable.GetNextStates(UpperLayerAction.None));
        Assert.Equal(NextStates.Count + 1, Enum.GetValues<UpperLayerAction>().Length);
    }

    [Fact]
    public void OutOfRangeLookup_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StateTransitionTable.GetAction((UpperLayerEvent)20, AssociationState.Sta1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StateTransitionTable.GetAction(UpperLayerEvent.Evt1, (AssociationState)14));
    }

    private static string Name(UpperLayerAction action) => action == UpperLayerAction.None
        ? "-"
        : $"{action.ToString()[..2]}-{action.ToString()[2..]}";
}
