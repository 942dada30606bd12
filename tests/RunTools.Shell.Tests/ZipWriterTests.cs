using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using RunTools.Shell.Bundles;
using RunTools.Shell.Files;

namespace RunTools.Shell.Tests;

public sealed class Crc32Tests
{
    /// <summary>The textbook bit-at-a-time CRC-32 (ISO-HDLC), to check the table-driven one against.</summary>
    static uint Reference(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void The_check_value_of_123456789_is_CBF43926() => Assert.Equal(0xCBF43926u, Crc32.Of("123456789"u8));

    [Fact]
    public void Appending_in_pieces_of_any_length_gives_the_reference_value()
    {
        var random = new Random(3);
        foreach (var length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 1000, 4099 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var crc = new Crc32();
            for (var at = 0; at < length;)
            {
                var piece = Math.Min(random.Next(1, 20), length - at);
                crc.Append(data.AsSpan(at, piece));
                at += piece;
            }
            Assert.Equal(Reference(data), crc.Value);
        }
    }
}

public sealed class ZipWriterTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    static readonly (string Name, byte[] Data)[] Files =
    [
        ("bundle.json", "{}\n"u8.ToArray()),
        ("runs/r/empty.txt", []),
        ("runs/r/données.csv", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},{i * i}\n")))),
        ("runs/r/random.bin", RandomBytes(300_000)),
    ];

    static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(11).NextBytes(data);
        return data;
    }

    /// <summary>The first file with <see cref="ZipWriter.AddBytes"/>, the others with <see cref="ZipWriter.AddFile"/>.</summary>
    byte[] Write(long zip64Threshold = ZipWriter.DefaultZip64Threshold, IEnumerable<(string Name, byte[] Data)>? files = null)
    {
        using var output = new MemoryStream();
        var zip = new ZipWriter(output, zip64Threshold);
        var records = new List<ZipEntryRecord>();
        foreach (var (name, data) in files ?? Files)
        {
            if (records.Count == 0)
            {
                records.Add(zip.AddBytes(name, data));
                continue;
            }
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            records.Add(zip.AddFile(name, new MemoryStream(data), data.Length, sha));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        zip.Finish(records);
        return output.ToArray();
    }

    static void AssertReadsBack(byte[] zip, IEnumerable<(string Name, byte[] Data)> files)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var expected = files.ToList();
        Assert.Equal(expected.Select(f => f.Name), archive.Entries.Select(e => e.FullName));
        foreach (var (entry, (_, data)) in archive.Entries.Zip(expected))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(data, copy.ToArray());
            Assert.Equal(data.LongLength, entry.Length);
            Assert.Equal(Crc32.Of(data), entry.Crc32);
            Assert.Equal(new DateTime(1980, 1, 1), entry.LastWriteTime.DateTime);
            Assert.Equal(0x81A4 << 16, entry.ExternalAttributes);
        }
    }

    [Fact]
    public void What_it_writes_reads_back_with_System_IO_Compression_with_fixed_dates_and_modes()
    {
        AssertReadsBack(Write(), Files);
    }

    [Fact]
    public void Empty_and_incompressible_files_are_stored_and_compressible_ones_deflated()
    {
        var zip = Write();

        var methods = Files.Select(f =>
        {
            var header = zip.AsSpan().IndexOf(Encoding.UTF8.GetBytes(f.Name)) - 30;
            Assert.Equal(0x04034B50u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(header)));
            return (f.Name, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(header + 8)));
        });
        Assert.Equal([("bundle.json", 0), ("runs/r/empty.txt", 0), ("runs/r/données.csv", 8), ("runs/r/random.bin", 0)], methods);
    }

    [Fact]
    public void The_same_entries_give_the_same_bytes()
    {
        Assert.Equal(Write(), Write());
    }

    [Fact]
    public void Zip64_sizes_and_end_records_read_back()
    {
        var zip = Write(zip64Threshold: 0);

        AssertReadsBack(zip, Files);
        Assert.True(zip.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x06, 0x06 }) > 0, "no Zip64 end of central directory record");
    }

    [Fact]
    public void More_than_65535_entries_read_back_through_the_Zip64_end_records()
    {
        var files = Enumerable.Range(0, 70_000).Select(i => ($"runs/r/f{i:D5}", new[] { (byte)i })).ToList();

        var zip = Write(files: files);

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        Assert.Equal(70_000, archive.Entries.Count);
        Assert.Equal("runs/r/f69999", archive.Entries[^1].FullName);
    }

    [Theory]
    [InlineData(10, 9)]
    [InlineData(10, 11)]
    [InlineData(0, 1)]
    [InlineData(100_000, 99_999)]
    [InlineData(100_000, 100_001)]
    public void A_source_that_holds_another_length_than_listed_is_a_changed_file(int listed, int actual)
    {
        var zip = new ZipWriter(new MemoryStream());
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        Assert.Throws<FileChangedException>(() => zip.AddFile("runs/r/x", new MemoryStream(new byte[actual]), listed, sha));
    }

    [Fact]
    public void Plain_files_open_for_reading_and_links_and_FIFOs_do_not()
    {
        var file = temp.Write("plain.txt", "plain");
        var link = temp.File("link.txt");
        File.CreateSymbolicLink(link, file);

        using (var stream = OwnFiles.OpenRead(file)) Assert.Equal(5, stream.Length);
        Assert.Throws<NotPlainFileException>(() => OwnFiles.OpenRead(link));
        if (OperatingSystem.IsWindows()) return;
        var fifo = temp.File("fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        Assert.Throws<NotPlainFileException>(() => OwnFiles.OpenRead(fifo));
    }
}
