using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.StateMachine;

/// <summary>States of the upper layer protocol machine (PS3.8 Table 9-1).</summary>
public enum AssociationState
{
    /// <summary>Sta1: Idle.</summary>
    Sta1 = 1,

    /// <summary>Sta2: Transport connection open, awaiting A-ASSOCIATE-RQ PDU.</summary>
    Sta2 = 2,

    /// <summary>Sta3: Awaiting local A-ASSOCIATE response primitive.</summary>
    Sta3 = 3,

    /// <summary>Sta4: Awaiting transport connection opening to complete.</summary>
    Sta4 = 4,

    /// <summary>Sta5: Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU.</summary>
    Sta5 = 5,

    /// <summary>Sta6: Association established, ready for data transfer.</summary>
    Sta6 = 6,

    /// <summary>Sta7: Awaiting A-RELEASE-RP PDU.</summary>
    Sta7 = 7,

    /// <summary>Sta8: Awaiting local A-RELEASE response primitive.</summary>
    Sta8 = 8,

    /// <summary>Sta9: Release collision requestor side; awaiting A-RELEASE response.</summary>
    Sta9 = 9,

    /// <summary>Sta10: Release collision acceptor side; awaiting A-RELEASE-RP PDU.</summary>
    Sta10 = 10,

    /// <summary>Sta11: Release collision requestor side; awaiting A-RELEASE-RP PDU.</summary>
    Sta11 = 11,

    /// <summary>Sta12: Release collision acceptor side; awaiting A-RELEASE response primitive.</summary>
    Sta12 = 12,

    /// <summary>Sta13: Awaiting transport connection close indication.</summary>
    Sta13 = 13,
}
