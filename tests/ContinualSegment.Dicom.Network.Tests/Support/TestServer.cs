using System.Collections.Concurrent;
using System.Net;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>An <see cref="UpperLayerServer"/> on a loopback port 0 with short timers, for the state tests.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(UpperLayerServer server, TestHandler handler, ConcurrentQueue<Association> created)
    {
        Server = server;
        Handler = handler;
        Created = created;
    }

    public UpperLayerServer Server { get; }

    public TestHandler Handler { get; }

    public ConcurrentQueue<Association> Created { get; }

    public int Port => Server.Port;

    public static AcceptancePolicy DefaultPolicy => new()
    {
        CalledAeTitles = new HashSet<string> { "ANY-SCP" },
        AbstractSyntaxes = new Dictionary<string, IReadOnlyList<string>> { [RawPdu.Verification] = [RawPdu.ExplicitLe, RawPdu.ImplicitLe] },
    };

    public static UpperLayerOptions FastOptions(TimeSpan? artim = null, TimeSpan? idle = null) => new()
    {
        ArtimTimeout = artim ?? TimeSpan.FromSeconds(1),
        IdleTimeout = idle ?? TimeSpan.FromSeconds(20),
        AcseTimeout = TimeSpan.FromSeconds(10),
        VerifyTransitions = true,
    };

    public static TestServer Start(IAssociationAcceptor? acceptor = null, UpperLayerOptions? options = null, int maxAssociations = 8, TestHandler? handler = null, Action<ConnectionRefusal>? refused = null)
    {
        handler ??= new TestHandler();
        var created = new ConcurrentQueue<Association>();
        var serverOptions = new UpperLayerServerOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            MaxAssociations = maxAssociations,
            Association = refused is null ? options ?? FastOptions() : (options ?? FastOptions()) with { Observer = new RecordingObserver(refused) },
        };
        var server = new UpperLayerServer(serverOptions, acceptor ?? new AssociationNegotiator(DefaultPolicy), a =>
        {
            created.Enqueue(a);
            return handler;
        });
        server.Start();
        return new TestServer(server, handler, created);
    }

    /// <summary>Waits for the first association object created by the server.</summary>
    public async Task<Association> FirstAssociationAsync()
    {
        await Wait.UntilAsync(() => !Created.IsEmpty, "the server created no association");
        Created.TryPeek(out var association);
        return association!;
    }

    /// <summary>Asserts that every slot and connection is released.</summary>
    public Task AssertNoLeakAsync() =>
        Wait.UntilAsync(() => Server.ActiveAssociationCount == 0 && Server.OpenConnectionCount == 0, $"leaked: {Server.ActiveAssociationCount} active, {Server.OpenConnectionCount} open");

    public async ValueTask DisposeAsync() => await Server.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
}
