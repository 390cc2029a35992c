using System.IO.Compression;

namespace ContinualSegment.Dicom;

/// <summary>
/// Where a data set in Deflated Explicit VR Little Endian is written: the bytes written to it are deflated (raw deflate,
/// no zlib header) into the underlying stream and, when it is disposed, the deflated bit stream is finished and padded
/// with one zero byte if its length is odd (PS3.5 A.5: a network peer refuses odd-length fragments). The underlying
/// stream is left open.
/// </summary>
public sealed class DeflatedDataSetStream : Stream
{
    private readonly CountingStream counted;
    private readonly DeflateStream deflate;
    private bool finished;

    /// <summary>Starts a deflated data set on <paramref name="output"/> at <paramref name="level"/>.</summary>
    public DeflatedDataSetStream(Stream output, CompressionLevel level)
    {
        ArgumentNullException.ThrowIfNull(output);
        counted = new CountingStream(output);
        deflate = new DeflateStream(counted, level, leaveOpen: true);
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !finished;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => deflate.Write(buffer, offset, count);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => deflate.Write(buffer);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        deflate.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        deflate.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override void Flush() => deflate.Flush();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (!finished)
        {
            finished = true;
            await deflate.DisposeAsync().ConfigureAwait(false);
            if (counted.Written % 2 != 0)
            {
                await counted.Inner.WriteAsync(new byte[1]).ConfigureAwait(false);
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !finished)
        {
            finished = true;
            deflate.Dispose();
            if (counted.Written % 2 != 0)
            {
                counted.Inner.WriteByte(0);
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Passes writes on and counts them.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public Stream Inner { get; } = inner;

        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            Written += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Inner.Write(buffer);
            Written += buffer.Length;
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await Inner.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Written += buffer.Length;
        }

        public override void Flush() => Inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
