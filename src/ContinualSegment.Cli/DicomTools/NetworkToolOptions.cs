using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>Connection settings shared by the service-user tools (echo, send, find, move).</summary>
internal record NetworkToolOptions
{
    /// <summary>Peer host.</summary>
    public required string Host { get; init; }

    /// <summary>Peer port.</summary>
    public required int Port { get; init; }

    /// <summary>Our AE title (--aet). Default CSEG.</summary>
    public string CallingAeTitle { get; init; } = "CSEG";

    /// <summary>The peer's AE title (--aec). Default ANY-SCP.</summary>
    public string CalledAeTitle { get; init; } = "ANY-SCP";

    /// <summary>Optional user name for user identity negotiation (--user).</summary>
    public string? UserName { get; init; }

    /// <summary>Optional password, with <see cref="UserName"/> (--password).</summary>
    public string? Password { get; init; }

    /// <summary>DICOM TLS settings (--tls …); null connects over plain TCP.</summary>
    public DicomTlsOptions? Tls { get; init; }

    /// <summary>Response timeout (--timeout). Default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The client options these settings describe (validated).</summary>
    public DicomClientOptions ToClientOptions()
    {
        if (Password is not null && UserName is null)
        {
            throw new ArgumentException("A password needs a user name.", nameof(Password));
        }

        var options = new DicomClientOptions
        {
            Host = Host,
            Port = Port,
            CallingAeTitle = CallingAeTitle,
            CalledAeTitle = CalledAeTitle,
            DimseTimeout = Timeout,
            Tls = Tls,
            UserIdentity = UserName is null
                ? null
                : new UserIdentityRequest(
                    Password is null ? UserIdentityType.Username : UserIdentityType.UsernameAndPasscode,
                    false,
                    System.Text.Encoding.UTF8.GetBytes(UserName),
                    Password is null ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(Password)),
        };
        options.Validate();
        return options;
    }
}
