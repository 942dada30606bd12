using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace RunTools.Shell.Bundles;

/// <summary>An entry as the central directory records it. <see cref="Offset"/> is where its local header starts;
/// <see cref="Method"/> is 8 (deflate) or 0 (stored).</summary>
internal sealed record ZipEntryRecord(string Name, ushort Method, uint Crc32, long CompressedBytes, long Bytes, long Offset, bool Zip64Sizes)
{
    public ZipEntryRecord Shifted(long by) => this with { Offset = Offset + by };
}

/// <summary>
/// Writes zip entries whose bytes depend only on their names and contents: each entry deflated at one fixed level
/// (zlib level 2: nearly the size of the default level at several times its speed), or stored when it is empty or its
/// first 64 KiB do not shrink by a tenth (Parquet tables and models are compressed already: deflating them again costs
/// time and gains nothing); dated 1980-01-01 00:00, made by "Unix" with mode 0644 (a regular file), no extra fields but
/// Zip64's where sizes need it (decided from the length alone), no data descriptors, no comments. Local headers are
/// written first and completed (CRC, sizes) by seeking back, so the output must be seekable for <see cref="AddFile"/>.
/// </summary>
internal sealed class ZipWriter(Stream output, long zip64Threshold = ZipWriter.DefaultZip64Threshold)
{
    /// <summary>Files from this length on get Zip64 sizes: below it, even incompressible data deflates to less than
    /// 4 GiB (deflate adds at most about 0.03%).</summary>
    public const long DefaultZip64Threshold = 0xFF00_0000;

    /// <summary>The deflate level of every deflated entry.</summary>
    public const int Level = 2;

    /// <summary>How much of a file's start decides whether it is deflated or stored.</summary>
    public const int SampleBytes = 64 << 10;

    public const ushort Stored = 0, Deflated = 8;

    static readonly ZLibCompressionOptions Options = new() { CompressionLevel = Level, CompressionStrategy = ZLibCompressionStrategy.Default };

    const ushort DosTime = 0, DosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01 00:00:00
    const uint RegularFile0644 = 0x81A4u << 16;                  // S_IFREG | 0644 in the upper 16 bits
    const ushort MadeByUnix = 3 << 8;
    const ushort Version20 = 20, Version45 = 45;
    const uint LocalSignature = 0x04034B50, CentralSignature = 0x02014B50, EndSignature = 0x06054B50;
    const uint Zip64EndSignature = 0x06064B50, Zip64LocatorSignature = 0x07064B50;
    const int BufferSize = 1 << 20;

    /// <summary>Stored for an empty file or one whose start does not shrink by a tenth when deflated; deflated
    /// otherwise. Depends on the content alone.</summary>
    internal static ushort MethodFor(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty) return Stored;
        var sample = start[..Math.Min(start.Length, SampleBytes)];
        var compressed = new CountingStream(Stream.Null);
        using (var deflate = new DeflateStream(compressed, Options, leaveOpen: true)) deflate.Write(sample);
        return compressed.Written < sample.Length * 0.9 ? Deflated : Stored;
    }

    /// <summary>Adds a file read once from <paramref name="source"/>: the bytes are hashed, CRC'd and deflated (or
    /// stored) as they are read. Throws <see cref="FileChangedException"/> when the source holds more or fewer bytes
    /// than <paramref name="length"/> (it changed since it was listed).</summary>
    public ZipEntryRecord AddFile(string name, Stream source, long length, IncrementalHash sha256)
    {
        var offset = output.Position;
        var zip64 = length >= zip64Threshold;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[(int)Math.Min(BufferSize, Math.Max(length + 1, 1))];
        // The start decides the method; it is kept in the buffer and written first, so the file is still read once.
        var head = source.ReadAtLeast(buffer.AsSpan(0, (int)Math.Min(SampleBytes, length)), (int)Math.Min(SampleBytes, length), throwOnEndOfStream: false);
        var method = MethodFor(buffer.AsSpan(0, head));
        WriteLocalHeader(nameBytes, Flags(name), 0, 0, 0, zip64, method);
        var crc = new Crc32();
        long read = 0;
        var counter = new CountingStream(output);
        using (var sink = method == Deflated ? new DeflateStream(counter, Options, leaveOpen: true) : (Stream)counter)
        {
            var n = length == 0 ? source.Read(buffer, 0, 1) : head; // an empty file must still be empty
            while (n > 0)
            {
                read += n;
                if (read > length) throw new FileChangedException($"it holds more than the {length} bytes it had when it was listed");
                var chunk = buffer.AsSpan(0, n);
                sha256.AppendData(chunk);
                crc.Append(chunk);
                sink.Write(chunk);
                n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length + 1 - read));
            }
        }
        if (read != length) throw new FileChangedException($"it holds {read} bytes, not the {length} it had when it was listed");
        var end = output.Position;
        output.Position = offset;
        WriteLocalHeader(nameBytes, Flags(name), crc.Value, counter.Written, length, zip64, method);
        output.Position = end;
        return new ZipEntryRecord(name, method, crc.Value, counter.Written, length, offset, zip64);
    }

    /// <summary>Adds a small file held in memory, writing sequentially (no seeking).</summary>
    public ZipEntryRecord AddBytes(string name, ReadOnlySpan<byte> content)
    {
        var method = MethodFor(content);
        var compressed = new MemoryStream();
        if (method == Deflated)
            using (var deflate = new DeflateStream(compressed, Options, leaveOpen: true)) deflate.Write(content);
        else compressed.Write(content);
        var crc = Crc32.Of(content);
        var zip64 = content.Length >= zip64Threshold;
        var offset = output.Position;
        WriteLocalHeader(Encoding.UTF8.GetBytes(name), Flags(name), crc, compressed.Length, content.Length, zip64, method);
        output.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        return new ZipEntryRecord(name, method, crc, compressed.Length, content.Length, offset, zip64);
    }

    /// <summary>Writes the central directory (the entries in the given order) and the end records at the current
    /// position.</summary>
    public void Finish(IReadOnlyList<ZipEntryRecord> entries)
    {
        var start = output.Position;
        foreach (var e in entries) WriteCentralHeader(e);
        var size = output.Position - start;
        var zip64 = entries.Count >= 0xFFFF || start >= uint.MaxValue || size >= uint.MaxValue || entries.Any(NeedsZip64);
        if (zip64)
        {
            var record = output.Position;
            Span<byte> z = stackalloc byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(z, Zip64EndSignature);
            BinaryPrimitives.WriteUInt64LittleEndian(z[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(z[12..], MadeByUnix | Version45);
            BinaryPrimitives.WriteUInt16LittleEndian(z[14..], Version45);
            BinaryPrimitives.WriteUInt32LittleEndian(z[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(z[20..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(z[24..], (ulong)entries.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(z[32..], (ulong)entries.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(z[40..], (ulong)size);
            BinaryPrimitives.WriteUInt64LittleEndian(z[48..], (ulong)start);
            output.Write(z);
            Span<byte> locator = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)record);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
            output.Write(locator);
        }
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        var count = (ushort)(zip64 ? 0xFFFF : entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], zip64 ? uint.MaxValue : (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], zip64 ? uint.MaxValue : (uint)start);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0);
        output.Write(end);
    }

    static bool NeedsZip64(ZipEntryRecord e) => e.Zip64Sizes || e.Offset >= uint.MaxValue;

    /// <summary>Bit 11: the name is UTF-8 (set only for names that are not plain ASCII, as other writers do).</summary>
    static ushort Flags(string name) => (ushort)(name.All(char.IsAscii) ? 0 : 0x0800);

    void WriteLocalHeader(byte[] name, ushort flags, uint crc, long compressed, long bytes, bool zip64, ushort method)
    {
        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, LocalSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], zip64 ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], zip64 ? uint.MaxValue : checked((uint)compressed));
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], zip64 ? uint.MaxValue : checked((uint)bytes));
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], checked((ushort)name.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)(zip64 ? 20 : 0));
        output.Write(h);
        output.Write(name);
        if (!zip64) return;
        Span<byte> extra = stackalloc byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
        BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)bytes);
        BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], (ulong)compressed);
        output.Write(extra);
    }

    void WriteCentralHeader(ZipEntryRecord e)
    {
        var name = Encoding.UTF8.GetBytes(e.Name);
        var bigOffset = e.Offset >= uint.MaxValue;
        var extraLength = (e.Zip64Sizes ? 16 : 0) + (bigOffset ? 8 : 0);
        var version = NeedsZip64(e) ? Version45 : Version20;
        Span<byte> h = stackalloc byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(h, CentralSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)(MadeByUnix | version));
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], Flags(e.Name));
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], e.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(h[14..], DosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], e.Crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], e.Zip64Sizes ? uint.MaxValue : (uint)e.CompressedBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], e.Zip64Sizes ? uint.MaxValue : (uint)e.Bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], checked((ushort)name.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(h[30..], (ushort)(extraLength == 0 ? 0 : extraLength + 4));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], 0); // comment
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 0); // disk
        BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0); // internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(h[38..], RegularFile0644);
        BinaryPrimitives.WriteUInt32LittleEndian(h[42..], bigOffset ? uint.MaxValue : (uint)e.Offset);
        output.Write(h);
        output.Write(name);
        if (extraLength == 0) return;
        Span<byte> extra = stackalloc byte[4 + 24];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)extraLength);
        var at = 4;
        if (e.Zip64Sizes)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(extra[at..], (ulong)e.Bytes);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[(at + 8)..], (ulong)e.CompressedBytes);
            at += 16;
        }
        if (bigOffset)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(extra[at..], (ulong)e.Offset);
            at += 8;
        }
        output.Write(extra[..at]);
    }
}

/// <summary>A file being exported changed while it was read.</summary>
internal sealed class FileChangedException(string message) : IOException(message);

/// <summary>Passes writes through and counts them (the compressed size of an entry).</summary>
internal class CountingStream(Stream inner) : Stream
{
    public long Written { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Observe(buffer);
        Written += buffer.Length;
    }

    /// <summary>Sees every byte written, after it went through.</summary>
    protected virtual void Observe(ReadOnlySpan<byte> written) { }

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Passes writes through, hashing and counting them: the SHA-256 of a file as it is written.</summary>
internal sealed class HashingStream(Stream inner) : CountingStream(inner)
{
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Sha256() => Convert.ToHexStringLower(hash.GetCurrentHash());

    protected override void Observe(ReadOnlySpan<byte> written) => hash.AppendData(written);

    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
