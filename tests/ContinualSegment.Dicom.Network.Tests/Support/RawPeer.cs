using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>A scripted peer on a raw TCP socket: writes hand-made PDU bytes and reads whatever comes back.</summary>
internal sealed class RawPeer : IDisposable
{
    // How long something expected may take to arrive: normally milliseconds, but a loaded CI machine stalled a test
    // process for over 4 s once (an abort followed by the ARTIM close, 1 s, was not seen within 5 s).
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawPeer(TcpClient client)
    {
        _client = client;
        _client.NoDelay = true;
        _stream = client.GetStream();
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawPeer(client);
    }

    public static RawPeer From(TcpClient client) => new(client);

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Next PDU (type and body), or null when the other side closed the connection.</summary>
    public async Task<(byte Type, byte[] Body)?> ReadPduAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        var header = new byte[6];
        try
        {
            var got = await _stream.ReadAtLeastAsync(header, 6, throwOnEndOfStream: false, cts.Token);
            if (got < 6)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
            Assert.True(length < 1 << 24, $"implausible PDU length {length}");
            var body = new byte[length];
            got = await _stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cts.Token);
            return got < body.Length ? null : (header[0], body);
        }
        catch (IOException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No PDU and no close within the wait.");
        }
    }

    public async Task<byte[]> ExpectAsync(byte type, TimeSpan? timeout = null)
    {
        var pdu = await ReadPduAsync(timeout);
        Assert.True(pdu.HasValue, $"expected PDU type {type}, but the connection closed");
        Assert.Equal(type, pdu.Value.Type);
        return pdu.Value.Body;
    }

    /// <summary>Expects an A-ABORT with the given source (and reason when given).</summary>
    public async Task ExpectAbortAsync(byte source, byte? reason = null)
    {
        var body = await ExpectAsync(0x07);
        Assert.Equal(source, body[2]);
        if (reason is { } r)
        {
            Assert.Equal(r, body[3]);
        }
    }

    /// <summary>True when the other side closes within the wait; PDUs arriving meanwhile are discarded.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan? timeout = null)
    {
        try
        {
            while (await ReadPduAsync(timeout) is not null)
            {
            }

            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Asserts that nothing arrives (and the connection stays open) for <paramref name="quiet"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan quiet)
    {
        try
        {
            var pdu = await ReadPduAsync(quiet);
            Assert.Fail(pdu is null ? "connection closed unexpectedly" : $"unexpected PDU type {pdu.Value.Type}");
        }
        catch (TimeoutException)
        {
        }
    }

    public async Task AssociateAsync(string called = "ANY-SCP")
    {
        await SendAsync(RawPdu.AssociateRq(called));
        await ExpectAsync(0x02);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
