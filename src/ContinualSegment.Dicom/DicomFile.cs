using System.Buffers.Binary;
using System.IO.Compression;

namespace ContinualSegment.Dicom;

/// <summary>
/// A DICOM file: File Meta Information (group 0002) and the data set. Reads PS3.10 files with or without
/// preamble, files without meta information (the encoding is detected), and all uncompressed, deflated and
/// encapsulated transfer syntaxes.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private const int InitialHeaderRead = 64 * 1024;

    private FileValueBuffer[]? buffers;

    public DicomFile(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
        : this(new DicomDataset(), dataset ?? throw new ArgumentNullException(nameof(dataset)), transferSyntax ?? DicomTransferSyntax.ExplicitVRLittleEndian)
    {
    }

    public DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        FileMetaInformation = fileMetaInformation ?? throw new ArgumentNullException(nameof(fileMetaInformation));
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        TransferSyntax = transferSyntax ?? throw new ArgumentNullException(nameof(transferSyntax));
    }

    /// <summary>Group 0002 elements as read (empty for files without meta information).</summary>
    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the data set was read in (or is to be written in).</summary>
    public DicomTransferSyntax TransferSyntax { get; set; }

    /// <summary>True when the file had the 128-byte preamble and "DICM".</summary>
    public bool HadPreamble { get; private init; }

    /// <summary>True when reading stopped at <see cref="DicomReadOptions.StopBeforeTag"/>.</summary>
    public bool IsPartial { get; private init; }

    /// <summary>For a file that was read: the byte offset where its data set begins (after preamble and meta information); 0 otherwise.</summary>
    public long DataSetOffset { get; private init; }

    /// <summary>
    /// Gives the buffers that the values read by <see cref="Open(Stream, DicomReadOptions?)"/> (or the path overload)
    /// are slices of back to the shared array pool, so that the next file read reuses them. Disposing is optional: a
    /// file that is never disposed leaves its buffers to the garbage collector. After disposal the values read from
    /// the file, wherever they went (elements added to other data sets, clones, <see cref="ReadOnlyMemory{T}"/> taken
    /// from them), throw <see cref="ObjectDisposedException"/> when their bytes are asked for; spans taken before
    /// must not be used. Files built in memory or opened from a <see cref="ReadOnlyMemory{T}"/> own nothing.
    /// </summary>
    public void Dispose()
    {
        var owned = Interlocked.Exchange(ref buffers, null);
        if (owned is null)
        {
            return;
        }

        foreach (var buffer in owned)
        {
            ((IDisposable)buffer).Dispose();
        }
    }

    // ---------------------------------------------------------------- opening

    /// <summary>
    /// Reads a file: the header from small windows, each large top-level value (Pixel Data) straight into a buffer of
    /// its own, both taken from the shared array pool where that fits. Dispose the result (optional) to hand those
    /// buffers back for the next file; see <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="DicomException">The file is not valid DICOM.</exception>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Open(stream, options);
    }

    /// <summary>
    /// Opens a file through a read-only memory mapping when it is at least <see cref="DicomReadOptions.MemoryMapThreshold"/>
    /// bytes long (smaller files are read into memory): values are slices of the mapping, so a large Pixel Data value
    /// costs no managed memory and its pages load on access. Dispose the result to release the mapping.
    /// </summary>
    /// <exception cref="DicomException">The file is not valid DICOM or larger than 2 GiB.</exception>
    public static MappedDicomFile OpenMapped(string path, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= DicomReadOptions.Default;
        options.Validate();
        if (new FileInfo(path).Length < options.MemoryMapThreshold)
        {
            return new MappedDicomFile(Open(path, options), null);
        }

        var memory = new MappedFileMemoryManager(path);
        try
        {
            var data = memory.Memory;
            var file = Parse(data, true, options);
            return new MappedDicomFile(file, memory);
        }
        catch
        {
            ((IDisposable)memory).Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads a file from the stream's position on. A seekable stream is read in windows as the path overload reads a
    /// file (pooled buffers, given back by <see cref="Dispose"/>); with <see cref="DicomReadOptions.StopBeforeTag"/>
    /// it is read only as far as the header goes. A stream that cannot seek is read into one array.
    /// </summary>
    /// <exception cref="DicomException">The data is not valid DICOM or longer than 2 GiB.</exception>
    public static DicomFile Open(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReadOptions.Default;
        options.Validate();
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength)
            {
                throw new DicomException($"The stream holds {remaining} bytes; at most {Array.MaxLength} are supported.");
            }

            return ParseWindowed(stream, Math.Max(remaining, 0), options);
        }

        if (options.StopBeforeTag is null)
        {
            var all = ReadAll(stream);
            return Parse(all, true, options);
        }

        // Header-only read: parse a growing prefix until the stop tag is reached.
        var size = InitialHeaderRead;
        byte[] data = [];
        var complete = false;
        while (true)
        {
            data = ReadMore(stream, data, size, out complete);
            try
            {
                return Parse(data, complete, options);
            }
            catch (NeedMoreDataException) when (!complete)
            {
                if (size >= Array.MaxLength)
                {
                    throw new DicomException($"The header does not end within the first {Array.MaxLength} bytes.");
                }

                size = (int)Math.Min((long)size * 4, Array.MaxLength);
            }
        }
    }

    public static async Task<DicomFile> OpenAsync(string path, DicomReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await OpenAsync(stream, options, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<DicomFile> OpenAsync(Stream stream, DicomReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReadOptions.Default;
        options.Validate();
        byte[] data;
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength)
            {
                throw new DicomException($"The stream holds {remaining} bytes; at most {Array.MaxLength} are supported.");
            }

            data = GC.AllocateUninitializedArray<byte>((int)remaining); // filled completely below
            await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var ms = new MemoryStream();
            await stream.CopyToAsync(ms, cancellationToken).ConfigureAwait(false);
            data = ms.ToArray();
        }

        return Parse(data, true, options);
    }

    /// <summary>
    /// Reads only the preamble and file meta information of the file at <paramref name="path"/>: the returned file has
    /// the meta information, the transfer syntax it declares (or that the data set's first bytes suggest), an empty data
    /// set, <see cref="IsPartial"/> set and <see cref="DataSetOffset"/>, where the data set's bytes begin. Cheap for any
    /// transfer syntax, Deflated included (nothing is inflated).
    /// </summary>
    public static DicomFile OpenMetaInformation(string path, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= DicomReadOptions.Default;
        options.Validate();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var source = new FileWindowSource(stream, stream.Length);
        try
        {
            var (prefix, _) = ReadPrefix(source, options);

            // The meta information's values are slices of the window buffers: they go with the file, as for a parsed one.
            var file = new DicomFile(prefix.Meta, new DicomDataset(), prefix.TransferSyntax) { HadPreamble = prefix.HadPreamble, IsPartial = true, DataSetOffset = prefix.BodyStart };
            file.buffers = [.. source.Buffers];
            return file;
        }
        catch
        {
            foreach (var buffer in source.Buffers)
            {
                ((IDisposable)buffer).Dispose();
            }

            throw;
        }
    }

    /// <summary>Parses a whole file held in memory.</summary>
    public static DicomFile Open(ReadOnlyMemory<byte> data, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        options.Validate();
        return Parse(data, true, options);
    }

    private static DicomFile Parse(ReadOnlyMemory<byte> data, bool complete, DicomReadOptions options)
    {
        var prefix = ParsePrefix(data, complete, options);
        var pos = prefix.BodyStart;
        var ts = prefix.TransferSyntax;
        ReadOnlyMemory<byte> body = data[pos..];
        long baseOffset = pos;
        if (ts.IsDeflated)
        {
            if (!complete)
            {
                // A deflated data set cannot be parsed from a prefix reliably; read it all.
                throw new NeedMoreDataException();
            }

            return ParseDeflated(body, prefix, options);
        }

        var (explicitVR, bigEndian) = BodyEncoding(body.Span, body.Length, ts, prefix.HasTransferSyntax);
        var dataset = NewDataset(prefix.Meta, options);
        var reader = new DicomDatasetReader(body, explicitVR, bigEndian, options, complete, baseOffset);
        reader.ReadTopLevel(dataset, body.Length, stopAtGroupChange: null);
        if (!complete && !reader.StoppedEarly)
        {
            // The prefix ended on an element boundary before the stop tag.
            throw new NeedMoreDataException();
        }

        return new DicomFile(prefix.Meta, dataset, ts) { HadPreamble = prefix.HadPreamble, IsPartial = reader.StoppedEarly, DataSetOffset = prefix.BodyStart };
    }

    /// <summary>
    /// Reads a seekable stream in windows: the header elements from small buffers, each large top-level value (Pixel
    /// Data) straight into a buffer of its own. The buffers come from the shared array pool where that fits and go
    /// back to it when the file is disposed.
    /// </summary>
    private static DicomFile ParseWindowed(Stream stream, long length, DicomReadOptions options)
    {
        var source = new FileWindowSource(stream, length);
        try
        {
            var file = ParseWindowed(source, options);
            file.buffers = [.. source.Buffers];
            return file;
        }
        catch
        {
            foreach (var buffer in source.Buffers)
            {
                ((IDisposable)buffer).Dispose();
            }

            throw;
        }
    }

    private static DicomFile ParseWindowed(FileWindowSource source, DicomReadOptions options)
    {
        var length = source.Length;
        var (prefix, window) = ReadPrefix(source, options);
        var ts = prefix.TransferSyntax;
        long offset = prefix.BodyStart;
        if (ts.IsDeflated)
        {
            return ParseDeflated(source.Window(offset, length - offset), prefix, options);
        }

        var (explicitVR, bigEndian) = BodyEncoding(window.Span[(int)offset..], length - offset, ts, prefix.HasTransferSyntax);
        var dataset = NewDataset(prefix.Meta, options);
        long size = FileWindowSource.InitialWindow;
        var partial = false;
        window = window[(int)offset..]; // the data set starts in the window that held the meta information
        var fresh = true;
        while (offset < length)
        {
            if (!fresh)
            {
                window = source.Window(offset, size);
            }

            fresh = false;
            var complete = offset + window.Length == length;
            var reader = new DicomDatasetReader(window, explicitVR, bigEndian, options, complete, offset) { LargeValues = source };
            try
            {
                reader.ReadTopLevel(dataset, window.Length, stopAtGroupChange: null);
            }
            catch (NeedMoreDataException) when (!complete)
            {
                // The element at ElementStart does not fit: read again from it. When it began the window it is larger
                // than the window (an encapsulated Pixel Data, a long sequence): take the rest of the file if that is
                // not much, else four times as much.
                if (reader.ElementStart == 0)
                {
                    var rest = length - offset;
                    size = Math.Min(Math.Max(size * 4, Math.Min(rest, FileWindowSource.ReadRestBelow)), rest);
                }

                offset += reader.ElementStart;
                continue;
            }

            if (reader.StoppedEarly)
            {
                partial = true;
                break;
            }

            offset += reader.Position;
        }

        return new DicomFile(prefix.Meta, dataset, ts) { HadPreamble = prefix.HadPreamble, IsPartial = partial, DataSetOffset = prefix.BodyStart };
    }

    /// <summary>
    /// Preamble and meta information from the first window of <paramref name="source"/>, grown until the meta group fits
    /// with the data set's first bytes; the prefix and the window that holds it.
    /// </summary>
    private static (FilePrefix Prefix, ReadOnlyMemory<byte> Window) ReadPrefix(FileWindowSource source, DicomReadOptions options)
    {
        long size = FileWindowSource.InitialWindow;
        while (true)
        {
            var window = source.Window(0, size);
            var complete = window.Length == source.Length;
            try
            {
                var prefix = ParsePrefix(window, complete, options);
                if (complete || window.Length - prefix.BodyStart >= 8)
                {
                    return (prefix, window);
                }
            }
            catch (NeedMoreDataException) when (!complete)
            {
            }

            size *= 4;
        }
    }

    /// <summary>Preamble, "DICM" and the meta group of a file (or of its first bytes), and the transfer syntax they give.</summary>
    private static FilePrefix ParsePrefix(ReadOnlyMemory<byte> data, bool complete, DicomReadOptions options)
    {
        var span = data.Span;
        var pos = 0;
        var preamble = false;
        if (span.Length >= 132 && span.Slice(128, 4).SequenceEqual("DICM"u8))
        {
            pos = 132;
            preamble = true;
        }
        else if (span.Length >= 4 && span[..4].SequenceEqual("DICM"u8))
        {
            pos = 4;
        }
        else if (span.Length < 132 && !complete)
        {
            throw new NeedMoreDataException();
        }

        var meta = new DicomDataset();
        if (span.Length - pos >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(span[pos..]) == 0x0002)
        {
            var explicitMeta = LooksExplicit(span, pos);
            var metaReader = new DicomDatasetReader(data, explicitMeta, false, options, complete, 0);
            SetPosition(metaReader, pos);
            metaReader.ReadTopLevel(meta, data.Length, stopAtGroupChange: 0x0002);
            pos = metaReader.Position;
        }
        else if (preamble && span.Length - pos >= 8 && BinaryPrimitives.ReadUInt16BigEndian(span[pos..]) == 0x0002)
        {
            throw new DicomException("File meta information is encoded big endian; it must be Explicit VR Little Endian.");
        }

        var hasTs = meta.TryGetElement(DicomTags.TransferSyntaxUID, out var tsElement) && tsElement.Length > 0;
        var ts = hasTs ? DicomTransferSyntax.FromUid(tsElement.GetString()) : Sniff(span, pos);
        return new FilePrefix(meta, pos, preamble, ts, hasTs);
    }

    /// <summary>
    /// The encoding of the data set: the transfer syntax's, unless the first element says otherwise (files whose data
    /// set does not match the declared encoding are seen in the wild).
    /// </summary>
    private static (bool ExplicitVR, bool BigEndian) BodyEncoding(ReadOnlySpan<byte> start, long bodyLength, DicomTransferSyntax ts, bool hasTs)
    {
        var explicitVR = ts.IsExplicitVR;
        var bigEndian = ts.IsBigEndian;
        if (start.Length >= 8)
        {
            var looksExplicit = LooksExplicit(start, 0);
            if (explicitVR != looksExplicit && (looksExplicit || !hasTs || ImplicitPlausible(start, bodyLength, bigEndian)))
            {
                explicitVR = looksExplicit;
            }
        }

        return (explicitVR, bigEndian);
    }

    private static DicomDataset NewDataset(DicomDataset meta, DicomReadOptions options)
    {
        var dataset = new DicomDataset();
        if (options.TextDecoder is not null)
        {
            dataset.TextDecoder = options.TextDecoder;
            meta.TextDecoder = options.TextDecoder;
        }

        return dataset;
    }

    private static void SetPosition(DicomDatasetReader reader, int pos) => reader.Seek(pos);

    /// <summary>What <see cref="ParsePrefix"/> found.</summary>
    private readonly record struct FilePrefix(DicomDataset Meta, int BodyStart, bool HadPreamble, DicomTransferSyntax TransferSyntax, bool HasTransferSyntax);

    /// <summary>True when the bytes at <paramref name="at"/> + 4 are a known VR code.</summary>
    private static bool LooksExplicit(ReadOnlySpan<byte> span, int at) =>
        span.Length - at >= 6 && DicomVR.TryGet(span[at + 4], span[at + 5], out _);

    private static bool ImplicitPlausible(ReadOnlySpan<byte> span, long bodyLength, bool bigEndian)
    {
        var length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        return length == 0xFFFFFFFF || length <= bodyLength - 8;
    }

    /// <summary>Detects the encoding of a data set without meta information.</summary>
    private static DicomTransferSyntax Sniff(ReadOnlySpan<byte> span, int pos)
    {
        if (span.Length - pos < 8)
        {
            return DicomTransferSyntax.ImplicitVRLittleEndian;
        }

        var le = BinaryPrimitives.ReadUInt16LittleEndian(span[pos..]);
        var be = BinaryPrimitives.ReadUInt16BigEndian(span[pos..]);
        var explicitVR = LooksExplicit(span, pos);
        if (be < le)
        {
            return explicitVR ? DicomTransferSyntax.ExplicitVRBigEndian : throw new DicomException("Data set looks like Implicit VR Big Endian, which is not a DICOM encoding.");
        }

        return explicitVR ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;
    }

    /// <summary>
    /// Parses a deflated data set. With <see cref="DicomReadOptions.StopBeforeTag"/> only as much is inflated as the
    /// header needs (a growing inflated prefix is parsed until the stop tag is reached), so reading the header of a
    /// deflated Segmentation of a hundred megabytes inflated costs a few kilobytes, not the whole data set.
    /// </summary>
    private static DicomFile ParseDeflated(ReadOnlyMemory<byte> deflated, FilePrefix prefix, DicomReadOptions options)
    {
        var span = deflated.Span;
        var zlib = span.Length >= 2 && (span[0] & 0x0F) == 8 && ((span[0] << 8) | span[1]) % 31 == 0;
        using var input = new MemoryStream(deflated.ToArray(), writable: false);
        using Stream inflater = zlib ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var wanted = options.StopBeforeTag is null ? long.MaxValue : InitialHeaderRead;
        while (true)
        {
            var ended = InflateInto(inflater, output, wanted, options);
            // All of it: an array of its own size (the stream's buffer may be twice as large); a header prefix: the buffer.
            var inflated = ended ? output.ToArray() : new ReadOnlyMemory<byte>(output.GetBuffer(), 0, (int)output.Length);
            try
            {
                var (explicitVR, bigEndian) = BodyEncoding(inflated.Span, inflated.Length, prefix.TransferSyntax, prefix.HasTransferSyntax);
                var dataset = NewDataset(prefix.Meta, options);
                var reader = new DicomDatasetReader(inflated, explicitVR, bigEndian, options, ended, 0);
                reader.ReadTopLevel(dataset, inflated.Length, stopAtGroupChange: null);
                if (ended || reader.StoppedEarly)
                {
                    return new DicomFile(prefix.Meta, dataset, prefix.TransferSyntax) { HadPreamble = prefix.HadPreamble, IsPartial = reader.StoppedEarly, DataSetOffset = prefix.BodyStart };
                }

                // The prefix ended on an element boundary before the stop tag: inflate more, as below.
            }
            catch (NeedMoreDataException) when (!ended)
            {
                // An element runs past the inflated prefix: inflate more.
            }

            wanted = wanted >= long.MaxValue / 4 ? long.MaxValue : wanted * 4;
        }
    }

    /// <summary>Inflates into <paramref name="output"/> until it holds <paramref name="wanted"/> bytes or the data ends; true at the end.</summary>
    private static bool InflateInto(Stream inflater, MemoryStream output, long wanted, DicomReadOptions options)
    {
        var chunk = new byte[81920];
        try
        {
            while (output.Length < wanted)
            {
                var n = inflater.Read(chunk, 0, chunk.Length);
                if (n == 0)
                {
                    return true;
                }

                if (output.Length + n > options.MaxInflatedLength)
                {
                    throw new DicomException($"Deflated data set inflates beyond the limit of {options.MaxInflatedLength} bytes.");
                }

                output.Write(chunk, 0, n);
            }

            return false;
        }
        catch (InvalidDataException ex)
        {
            throw new DicomException("Deflated data set is corrupt: " + ex.Message, ex);
        }
    }

    /// <summary>Reads a stream that cannot seek to its end.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] ReadMore(Stream stream, byte[] have, int size, out bool complete)
    {
        if (size <= have.Length)
        {
            complete = false;
            return have;
        }

        var data = new byte[size];
        have.CopyTo(data, 0);
        var filled = have.Length;
        while (filled < size)
        {
            var n = stream.Read(data, filled, size - filled);
            if (n == 0)
            {
                complete = true;
                return data[..filled];
            }

            filled += n;
        }

        complete = false;
        return data;
    }

    // ---------------------------------------------------------------- saving

    /// <summary>Writes a PS3.10 file (preamble, meta information, data set).</summary>
    public void Save(string path, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Save(stream, options);
    }

    /// <summary>
    /// Writes only the preamble and the file meta information (group 0002, naming the transfer syntax of
    /// <paramref name="options"/> or of the file): for a writer that streams the data set itself after it, encoded in that
    /// transfer syntax (for Deflated Explicit VR Little Endian: through a raw deflate stream it finishes).
    /// </summary>
    public void SaveFileMetaInformation(Stream stream, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomWriteOptions.Default;
        var buffered = new BufferedStream(stream, 1 << 12);
        DicomFileWriter.WriteHeader(buffered, this, options.TransferSyntax ?? TransferSyntax, options);
        buffered.Flush();
    }

    public void Save(Stream stream, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        DicomFileWriter.Write(stream, this, options ?? DicomWriteOptions.Default);
    }

    public async Task SaveAsync(string path, DicomWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await SaveAsync(stream, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveAsync(Stream stream, DicomWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        DicomFileWriter.Write(ms, this, options ?? DicomWriteOptions.Default);
        ms.Position = 0;
        await ms.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
