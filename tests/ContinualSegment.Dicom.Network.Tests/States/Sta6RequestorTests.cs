using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Sta6 on the requestor side: sending fragmented to the peer's maximum length.</summary>
public sealed class Sta6RequestorTests
{
    [Fact(Timeout = 20000)]
    public async Task SendMessage_FragmentsToPeerMaximum_DT1()
    {
        using var acceptor = new RawAcceptor();
        var connect = Association.ConnectAsync("127.0.0.1", acceptor.Port, RawAcceptor.EchoRequest(), new TestHandler(), TestServer.FastOptions());
        using var peer = await acceptor.AcceptAsync();
        await peer.ExpectAsync(0x01);
        await peer.SendAsync(RawPdu.AssociateAc("RAW-SCP", "OUR-SCU", 1024, (1, 0, RawPdu.ImplicitLe)));
        await using var association = await connect;
        var data = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await association.SendMessageAsync(1, EchoCommand.Request(1), data, CancellationToken.None);
        var command = await peer.ExpectAsync(0x04);
        Assert.Equal(3, command[5]);
        var received = new List<byte>();
        while (true)
        {
            var body = await peer.ExpectAsync(0x04);
            Assert.True(body.Length + 6 - 6 <= 1024, $"P-DATA-TF of {body.Length} bytes exceeds the peer maximum");
            Assert.Equal(0, body[5] & 1);
            received.AddRange(body[6..]);
            if ((body[5] & 2) != 0)
            {
                break;
            }
        }

        Assert.Equal(data, received);
    }
}
