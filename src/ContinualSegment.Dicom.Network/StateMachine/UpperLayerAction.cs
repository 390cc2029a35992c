using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.StateMachine;

/// <summary>Actions of the upper layer protocol machine (PS3.8 Tables 9-6 to 9-9).</summary>
public enum UpperLayerAction
{
    /// <summary>No action: the event cannot occur in that state (blank cell of Table 9-10).</summary>
    None = 0,

    /// <summary>AE-1: issue TRANSPORT CONNECT request.</summary>
    AE1,

    /// <summary>AE-2: send A-ASSOCIATE-RQ PDU.</summary>
    AE2,

    /// <summary>AE-3: issue A-ASSOCIATE confirmation (accept).</summary>
    AE3,

    /// <summary>AE-4: issue A-ASSOCIATE confirmation (reject) and close transport.</summary>
    AE4,

    /// <summary>AE-5: issue transport connection response, start ARTIM.</summary>
    AE5,

    /// <summary>AE-6: stop ARTIM; issue A-ASSOCIATE indication or send A-ASSOCIATE-RJ and start ARTIM.</summary>
    AE6,

    /// <summary>AE-7: send A-ASSOCIATE-AC PDU.</summary>
    AE7,

    /// <summary>AE-8: send A-ASSOCIATE-RJ PDU and start ARTIM.</summary>
    AE8,

    /// <summary>DT-1: send P-DATA-TF PDU.</summary>
    DT1,

    /// <summary>DT-2: issue P-DATA indication.</summary>
    DT2,

    /// <summary>AR-1: send A-RELEASE-RQ PDU.</summary>
    AR1,

    /// <summary>AR-2: issue A-RELEASE indication.</summary>
    AR2,

    /// <summary>AR-3: issue A-RELEASE confirmation and close transport.</summary>
    AR3,

    /// <summary>AR-4: send A-RELEASE-RP PDU and start ARTIM.</summary>
    AR4,

    /// <summary>AR-5: stop ARTIM.</summary>
    AR5,

    /// <summary>AR-6: issue P-DATA indication (awaiting release response).</summary>
    AR6,

    /// <summary>AR-7: send P-DATA-TF PDU (awaiting local release response).</summary>
    AR7,

    /// <summary>AR-8: issue A-RELEASE indication (release collision).</summary>
    AR8,

    /// <summary>AR-9: send A-RELEASE-RP PDU (collision, requestor).</summary>
    AR9,

    /// <summary>AR-10: issue A-RELEASE confirmation (collision, acceptor).</summary>
    AR10,

    /// <summary>AA-1: send A-ABORT PDU (service-user source), start or restart ARTIM.</summary>
    AA1,

    /// <summary>AA-2: stop ARTIM if running, close transport.</summary>
    AA2,

    /// <summary>AA-3: issue A-ABORT or A-P-ABORT indication and close transport.</summary>
    AA3,

    /// <summary>AA-4: issue A-P-ABORT indication.</summary>
    AA4,

    /// <summary>AA-5: stop ARTIM.</summary>
    AA5,

    /// <summary>AA-6: ignore PDU.</summary>
    AA6,

    /// <summary>AA-7: send A-ABORT PDU.</summary>
    AA7,

    /// <summary>AA-8: send A-ABORT PDU (service-provider source), issue A-P-ABORT indication, start ARTIM.</summary>
    AA8,
}
