using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.StateMachine;

/// <summary>Events of the upper layer protocol machine (PS3.8 Table 9-2).</summary>
public enum UpperLayerEvent
{
    /// <summary>Evt1: A-ASSOCIATE request (local user).</summary>
    Evt1 = 1,

    /// <summary>Evt2: Transport connect confirmation.</summary>
    Evt2 = 2,

    /// <summary>Evt3: A-ASSOCIATE-AC PDU received.</summary>
    Evt3 = 3,

    /// <summary>Evt4: A-ASSOCIATE-RJ PDU received.</summary>
    Evt4 = 4,

    /// <summary>Evt5: Transport connection indication.</summary>
    Evt5 = 5,

    /// <summary>Evt6: A-ASSOCIATE-RQ PDU received.</summary>
    Evt6 = 6,

    /// <summary>Evt7: A-ASSOCIATE response primitive (accept).</summary>
    Evt7 = 7,

    /// <summary>Evt8: A-ASSOCIATE response primitive (reject).</summary>
    Evt8 = 8,

    /// <summary>Evt9: P-DATA request primitive.</summary>
    Evt9 = 9,

    /// <summary>Evt10: P-DATA-TF PDU received.</summary>
    Evt10 = 10,

    /// <summary>Evt11: A-RELEASE request primitive.</summary>
    Evt11 = 11,

    /// <summary>Evt12: A-RELEASE-RQ PDU received.</summary>
    Evt12 = 12,

    /// <summary>Evt13: A-RELEASE-RP PDU received.</summary>
    Evt13 = 13,

    /// <summary>Evt14: A-RELEASE response primitive.</summary>
    Evt14 = 14,

    /// <summary>Evt15: A-ABORT request primitive.</summary>
    Evt15 = 15,

    /// <summary>Evt16: A-ABORT PDU received.</summary>
    Evt16 = 16,

    /// <summary>Evt17: Transport connection closed indication.</summary>
    Evt17 = 17,

    /// <summary>Evt18: ARTIM timer expired.</summary>
    Evt18 = 18,

    /// <summary>Evt19: Unrecognized or invalid PDU received.</summary>
    Evt19 = 19,
}
