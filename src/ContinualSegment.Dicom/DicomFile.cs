using System.Buffers.Binary;
using System.IO.Compression;

namespace ContinualSegment.Dicom;

/// <summary>
/// A DICOM file: File Meta Information (group 0002) and the data set. Reads PS3.10 files with or without
/// preamble, files without meta information (the encoding is detected), and all uncompressed, deflated and
/// encapsulated transfer syntaxes.
/// </summary>
public sealed class DicomFile
{
    private const int InitialHeaderRead = 64 * 1024;

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

    // ---------------------------------------------------------------- opening

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

    public static DicomFile Open(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReadOptions.Default;
        options.Validate();
        if (options.StopBeforeTag is null)
        {
            var all = ReadAll(stream, options);
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

            data = new byte[remaining];
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

    /// <summary>Parses a whole file held in memory.</summary>
    public static DicomFile Open(ReadOnlyMemory<byte> data, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        options.Validate();
        return Parse(data, true, options);
    }

    private static DicomFile Parse(ReadOnlyMemory<byte> data, bool complete, DicomReadOptions options)
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

        DicomTransferSyntax ts;
        var hasTs = meta.TryGetElement(DicomTags.TransferSyntaxUID, out var tsElement) && tsElement.Length > 0;
        if (hasTs)
        {
            ts = DicomTransferSyntax.FromUid(tsElement.GetString());
        }
        else
        {
            ts = Sniff(span, pos);
        }

        ReadOnlyMemory<byte> body = data[pos..];
        long baseOffset = pos;
        if (ts.IsDeflated)
        {
            if (!complete)
            {
                // A deflated data set cannot be parsed from a prefix reliably; read it all.
                throw new NeedMoreDataException();
            }

            body = Inflate(body, options);
            baseOffset = 0;
        }

        // Files whose data set does not match the declared encoding (seen in the wild): detect from the first element.
        var explicitVR = ts.IsExplicitVR;
        var bigEndian = ts.IsBigEndian;
        if (body.Length >= 8)
        {
            var b = body.Span;
            var looksExplicit = LooksExplicit(b, 0);
            if (explicitVR != looksExplicit && (looksExplicit || !hasTs || ImplicitPlausible(b, bigEndian)))
            {
                explicitVR = looksExplicit;
            }
        }

        var dataset = new DicomDataset();
        if (options.TextDecoder is not null)
        {
            dataset.TextDecoder = options.TextDecoder;
            meta.TextDecoder = options.TextDecoder;
        }

        var reader = new DicomDatasetReader(body, explicitVR, bigEndian, options, complete, baseOffset);
        reader.ReadTopLevel(dataset, body.Length, stopAtGroupChange: null);
        return new DicomFile(meta, dataset, ts) { HadPreamble = preamble, IsPartial = reader.StoppedEarly };
    }

    private static void SetPosition(DicomDatasetReader reader, int pos) => reader.Seek(pos);

    /// <summary>True when the bytes at <paramref name="at"/> + 4 are a known VR code.</summary>
    private static bool LooksExplicit(ReadOnlySpan<byte> span, int at) =>
        span.Length - at >= 6 && DicomVR.TryGet(span[at + 4], span[at + 5], out _);

    private static bool ImplicitPlausible(ReadOnlySpan<byte> span, bool bigEndian)
    {
        var length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        return length == 0xFFFFFFFF || length <= (uint)(span.Length - 8);
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

    private static byte[] Inflate(ReadOnlyMemory<byte> deflated, DicomReadOptions options)
    {
        var span = deflated.Span;
        using var input = new MemoryStream(deflated.ToArray(), writable: false);
        var zlib = span.Length >= 2 && (span[0] & 0x0F) == 8 && ((span[0] << 8) | span[1]) % 31 == 0;
        using Stream inflater = zlib ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int n;
            while ((n = inflater.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + n > options.MaxInflatedLength)
                {
                    throw new DicomException($"Deflated data set inflates beyond the limit of {options.MaxInflatedLength} bytes.");
                }

                output.Write(chunk, 0, n);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DicomException("Deflated data set is corrupt: " + ex.Message, ex);
        }

        return output.ToArray();
    }

    private static byte[] ReadAll(Stream stream, DicomReadOptions options)
    {
        _ = options;
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (remaining > Array.MaxLength)
            {
                throw new DicomException($"The stream holds {remaining} bytes; at most {Array.MaxLength} are supported.");
            }

            var data = new byte[remaining];
            stream.ReadExactly(data);
            return data;
        }

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
