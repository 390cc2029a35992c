using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>User identity type of a User Identity negotiation sub-item (PS3.7 D.3.3.7).</summary>
public enum UserIdentityType
{
    /// <summary>Username as a UTF-8 string.</summary>
    Username = 1,

    /// <summary>Username and passcode.</summary>
    UsernameAndPasscode = 2,

    /// <summary>Kerberos service ticket.</summary>
    Kerberos = 3,

    /// <summary>SAML assertion.</summary>
    Saml = 4,

    /// <summary>JSON web token.</summary>
    Jwt = 5,
}
