using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>
/// Loaded DICOM TLS material (our certificate and its chain, the trusted CAs) and the handshake settings of a
/// profile. Created once, when a server starts or a client connects, so bad material fails early with a
/// <see cref="DicomTlsConfigurationException"/>. The association layer above the handshake is unchanged.
/// </summary>
public sealed class DicomTlsContext : IDisposable
{
    private readonly bool isServer;
    private readonly X509Certificate2? certificate;
    private readonly SslStreamCertificateContext? certificateContext;
    private readonly X509Certificate2Collection intermediates;
    private readonly X509Certificate2Collection trusted;
    private readonly IReadOnlyList<IssuedCrl> crls;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    private DicomTlsContext(DicomTlsOptions options, bool isServer, X509Certificate2? certificate, X509Certificate2Collection intermediates, X509Certificate2Collection trusted, IReadOnlyList<IssuedCrl> crls, TimeProvider timeProvider, ILogger logger)
    {
        this.logger = logger;
        this.crls = crls;
        this.timeProvider = timeProvider;
        Options = options;
        this.isServer = isServer;
        this.certificate = certificate;
        this.intermediates = intermediates;
        this.trusted = trusted;
        certificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    /// <summary>The TLS versions ever negotiated: 1.2 and 1.3.</summary>
    public static SslProtocols Protocols => SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The settings this context was made from.</summary>
    public DicomTlsOptions Options { get; }

    /// <summary>The loaded CRLs, in the order of <see cref="DicomTlsOptions.CrlFiles"/>.</summary>
    public IReadOnlyList<DicomCertificateRevocationList> RevocationLists => [.. this.crls.Select(c => c.List)];

    /// <summary>Our certificate, when one is configured.</summary>
    public X509Certificate2? Certificate => this.certificate;

    /// <summary>
    /// Validates <paramref name="options"/> and loads the material they name. <paramref name="isServer"/> selects the
    /// side: a server must have a certificate. <paramref name="timeProvider"/> (default: the system clock) dates the
    /// certificate validity and revocation checks and times the handshake.
    /// </summary>
    public static DicomTlsContext Create(DicomTlsOptions options, bool isServer, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        timeProvider ??= TimeProvider.System;
        options.Validate(requireCertificate: isServer);
        var intermediates = new X509Certificate2Collection();
        X509Certificate2? certificate = null;
        var trusted = new X509Certificate2Collection();
        try
        {
            if (options.CertificateFile is { } file)
            {
                certificate = LoadPem(options, file, intermediates);
            }
            else if (options.StoreThumbprint is not null || options.StoreSubject is not null)
            {
                certificate = LoadFromStore(options);
            }

            if (certificate is not null)
            {
                CheckUsable(certificate, options.CertificateFile ?? "the certificate store", timeProvider.GetLocalNow().DateTime);
            }

            if (options.TrustedCaFile is { } caFile)
            {
                try
                {
                    trusted.ImportFromPemFile(caFile);
                }
                catch (CryptographicException ex)
                {
                    throw new DicomTlsConfigurationException($"Cannot read the TLS trusted CA file {caFile}: {ex.Message}", ex);
                }

                if (trusted.Count == 0)
                {
                    throw new DicomTlsConfigurationException($"The TLS trusted CA file {caFile} holds no PEM certificate.");
                }
            }

            var crls = LoadCrls(options, trusted);
            return new DicomTlsContext(options, isServer, certificate, intermediates, trusted, crls, timeProvider, logger ?? NullLogger.Instance);
        }
        catch
        {
            certificate?.Dispose();
            DisposeAll(intermediates);
            DisposeAll(trusted);
            throw;
        }
    }

    /// <summary>Performs the server handshake on an accepted connection; the returned stream owns the socket.</summary>
    public async Task<SslStream> AuthenticateAsServerAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var refusal = new Refusal();
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificateContext,
            ClientCertificateRequired = Options.ClientCertificates != DicomTlsClientCertificateMode.None,
            EnabledSslProtocols = Protocols,
            AllowRenegotiation = false,
            CertificateChainPolicy = NewChainPolicy(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidatePeer(certificate, chain, errors, refusal),
        };
        ApplyCipherSuites(options);
        return await HandshakeAsync(socket, (stream, ct) => stream.AuthenticateAsServerAsync(options, ct), refusal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Performs the client handshake on a connected socket; the returned stream owns the socket.</summary>
    public async Task<SslStream> AuthenticateAsClientAsync(Socket socket, string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var refusal = new Refusal();
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = Options.ServerName ?? host,
            ClientCertificateContext = certificateContext,
            EnabledSslProtocols = Protocols,
            AllowRenegotiation = false,
            CertificateChainPolicy = NewChainPolicy(),
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidatePeer(certificate, chain, errors, refusal),
        };
        ApplyCipherSuites(options);
        return await HandshakeAsync(socket, (stream, ct) => stream.AuthenticateAsClientAsync(options, ct), refusal, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        this.certificate?.Dispose();
        DisposeAll(this.intermediates);
        DisposeAll(this.trusted);
    }

    private void ApplyCipherSuites(SslServerAuthenticationOptions options)
    {
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsAndroid())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy(DicomTlsCipherSuites.For(Options.Profile));
        }
    }

    private void ApplyCipherSuites(SslClientAuthenticationOptions options)
    {
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsAndroid())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy(DicomTlsCipherSuites.For(Options.Profile));
        }
    }

    private async Task<SslStream> HandshakeAsync(Socket socket, Func<SslStream, CancellationToken, Task> authenticate, Refusal refusal, CancellationToken cancellationToken)
    {
        var peer = socket.RemoteEndPoint as IPEndPoint;
        var role = this.isServer ? "server" : "client";
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(Options.HandshakeTimeout, this.timeProvider);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            await authenticate(stream, timeout.Token).ConfigureAwait(false);
            return stream;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Log.TlsHandshakeTimedOut(this.logger, role, peer, Options.HandshakeTimeout);
            throw new AuthenticationException($"The TLS handshake did not finish within {Options.HandshakeTimeout.TotalSeconds:0.#} s.");
        }
        catch (AuthenticationException ex) when (refusal.Reason is { } reason)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Log.TlsPeerCertificateRefused(this.logger, role, peer, reason);
            throw new AuthenticationException($"The peer's TLS certificate was refused: {reason}", ex);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Log.TlsHandshakeFailed(this.logger, role, peer, ex.Message);
            throw;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private X509ChainPolicy NewChainPolicy()
    {
        var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        if (this.trusted.Count > 0)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(this.trusted);
        }

        policy.ExtraStore.AddRange(this.intermediates);
        return policy;
    }

    private bool ValidatePeer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, Refusal refusal)
    {
        if (this.isServer && Options.ClientCertificates != DicomTlsClientCertificateMode.Required)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNotAvailable;
        }

        if (errors != SslPolicyErrors.None)
        {
            refusal.Reason = Describe(errors, chain);
            return false;
        }

        if (certificate is null || this.crls.Count == 0)
        {
            return true;
        }

        if (chain is null || chain.ChainElements.Count == 0)
        {
            refusal.Reason = "no certificate chain to check revocation against.";
            return false;
        }

        refusal.Reason = RevocationProblem(chain, this.timeProvider.GetUtcNow());
        return refusal.Reason is null;
    }

    // The policy errors in words: a missing certificate, a name that does not match, or the chain's problems.
    private static string Describe(SslPolicyErrors errors, X509Chain? chain)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("the peer presented no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("the certificate does not name the host connected to (or the configured server name)");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => $"{s.Status} ({s.StatusInformation.Trim()})").Distinct().ToList() ?? [];
            parts.Add(status.Count == 0
                ? "its chain does not lead to a trusted CA"
                : "its chain does not lead to a trusted CA: " + string.Join(", ", status));
        }

        return string.Join("; ", parts) + ".";
    }

    // Every certificate of the built chain whose issuer has a CRL here is checked against it; the root is not.
    private string? RevocationProblem(X509Chain chain, DateTimeOffset now)
    {
        var elements = chain.ChainElements;
        for (var i = 0; i + 1 < elements.Count; i++)
        {
            var subject = elements[i].Certificate;
            var issuer = elements[i + 1].Certificate;
            foreach (var crl in this.crls)
            {
                if (!string.Equals(crl.IssuerThumbprint, issuer.GetCertHashString(HashAlgorithmName.SHA256), StringComparison.Ordinal))
                {
                    continue;
                }

                if (crl.List.NextUpdate is { } next && next < now)
                {
                    return $"the CRL {crl.List.Source} of {issuer.Subject} expired on {next:u} (its next update is past); refusing certificates of that CA until a current CRL is installed.";
                }

                if (crl.List.Lists(subject))
                {
                    return $"certificate serial {DicomCertificateRevocationList.SerialHex(subject.SerialNumberBytes.Span)} ({subject.Subject}) is revoked by CRL {crl.List.Source}.";
                }
            }
        }

        return null;
    }

    private static List<IssuedCrl> LoadCrls(DicomTlsOptions options, X509Certificate2Collection trusted)
    {
        var crls = new List<IssuedCrl>(options.CrlFiles.Count);
        foreach (var file in options.CrlFiles)
        {
            var list = DicomCertificateRevocationList.Load(file);
            var issuer = trusted.FirstOrDefault(list.IsSignedBy)
                ?? throw new DicomTlsConfigurationException(
                    $"The TLS CRL file {file} (issuer {list.Issuer.Name}) is not signed by any CA in the trusted CA file {options.TrustedCaFile}.");
            crls.Add(new IssuedCrl(list, issuer.GetCertHashString(HashAlgorithmName.SHA256)));
        }

        return crls;
    }

    private static X509Certificate2 LoadPem(DicomTlsOptions options, string file, X509Certificate2Collection intermediates)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = options.PrivateKeyPassword is { } password
                ? X509Certificate2.CreateFromEncryptedPemFile(file, password, options.PrivateKeyFile)
                : X509Certificate2.CreateFromPemFile(file, options.PrivateKeyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new DicomTlsConfigurationException(
                $"Cannot load the TLS certificate {file} with the private key in {options.PrivateKeyFile ?? file}: {ex.Message}", ex);
        }

        try
        {
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(file);
            foreach (var extra in all)
            {
                if (extra.Thumbprint == certificate.Thumbprint)
                {
                    extra.Dispose();
                }
                else
                {
                    intermediates.Add(extra);
                }
            }
        }
        catch (CryptographicException ex)
        {
            certificate.Dispose();
            throw new DicomTlsConfigurationException($"Cannot read the certificates in {file}: {ex.Message}", ex);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel needs a persisted key; a PKCS#12 round trip gives the PEM key one.
            using (certificate)
            {
                return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
            }
        }

        return certificate;
    }

    private static X509Certificate2 LoadFromStore(DicomTlsOptions options)
    {
        var what = options.StoreThumbprint is { } t ? $"thumbprint {t}" : $"subject '{options.StoreSubject}'";
        using var store = new X509Store(StoreName.My, options.StoreLocation);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (CryptographicException ex)
        {
            throw new DicomTlsConfigurationException($"No TLS certificate with {what}: the {options.StoreLocation} 'My' store cannot be opened ({ex.Message}).", ex);
        }

        var all = store.Certificates;
        try
        {
            var matches = options.StoreThumbprint is { } thumbprint
                ? all.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false)
                : Union(all.Find(X509FindType.FindBySubjectDistinguishedName, options.StoreSubject!, validOnly: false), all.Find(X509FindType.FindBySubjectName, options.StoreSubject!, validOnly: false));
            var chosen = matches.Where(c => c.HasPrivateKey).OrderByDescending(c => c.NotAfter).FirstOrDefault();
            if (chosen is null)
            {
                throw new DicomTlsConfigurationException(matches.Count == 0
                    ? $"No TLS certificate with {what} in the {options.StoreLocation} 'My' store."
                    : $"The TLS certificate with {what} in the {options.StoreLocation} 'My' store has no private key.");
            }

            // Return an independent copy so the store's collection can be disposed.
            return new X509Certificate2(chosen);
        }
        finally
        {
            DisposeAll(all);
        }
    }

    private static X509Certificate2Collection Union(X509Certificate2Collection first, X509Certificate2Collection second)
    {
        var union = new X509Certificate2Collection(first);
        foreach (var c in second)
        {
            if (!union.Any(u => u.Thumbprint == c.Thumbprint))
            {
                union.Add(c);
            }
        }

        return union;
    }

    private static void CheckUsable(X509Certificate2 certificate, string source, DateTime now)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new DicomTlsConfigurationException($"The TLS certificate from {source} has no private key.");
        }

        if (certificate.NotAfter < now)
        {
            throw new DicomTlsConfigurationException($"The TLS certificate from {source} ({certificate.Subject}) expired on {certificate.NotAfter:u}.");
        }

        if (certificate.NotBefore > now)
        {
            throw new DicomTlsConfigurationException($"The TLS certificate from {source} ({certificate.Subject}) is not valid before {certificate.NotBefore:u}.");
        }
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var c in certificates)
        {
            c.Dispose();
        }
    }

    private sealed record IssuedCrl(DicomCertificateRevocationList List, string IssuerThumbprint);

    // Why the validation callback refused the peer, for the exception of the failed handshake.
    private sealed class Refusal
    {
        public string? Reason { get; set; }
    }
}
