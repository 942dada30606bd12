using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Parquet;
using RunTools.Shell.Tables;
using RunTools.Tables;

namespace RunTools.Benchmarks;

/// <summary>
/// Choosing the default Parquet codec and level (<see cref="ParquetSettings.Default"/>): TableFiles.WriteParquet
/// (atomic, fsynced) and TableFiles.Read of a 1M-row table: two columns of random doubles (what predictions are),
/// a 20-value category and a random 4-24 character id. Each category's baseline is the uncompressed file. The file
/// sizes are printed by GlobalSetup (search the log for "bytes").
/// Zstd's SmallestSize (Parquet.Net's default level) is left out: it takes minutes for this table.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 7)]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TableFileBenchmarks
{
    const int Rows = 1_000_000;
    static readonly (string Name, ParquetSettings Settings)[] Candidates =
    [
        ("none", Settings(CompressionMethod.None, CompressionLevel.NoCompression)),
        ("snappy", Settings(CompressionMethod.Snappy, CompressionLevel.Fastest)),
        ("lz4raw", Settings(CompressionMethod.Lz4Raw, CompressionLevel.Fastest)),
        ("zstd-fastest", Settings(CompressionMethod.Zstd, CompressionLevel.Fastest)),
        ("zstd-optimal", Settings(CompressionMethod.Zstd, CompressionLevel.Optimal)),
        ("gzip-fastest", Settings(CompressionMethod.Gzip, CompressionLevel.Fastest)),
    ];

    string dir = "";
    Table table = Table.Empty;

    static ParquetSettings Settings(CompressionMethod method, CompressionLevel level) => ParquetSettings.Default with { Compression = method, Level = level };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var a = new double[Rows];
        var b = new double[Rows];
        var category = new string?[Rows];
        var id = new string?[Rows];
        for (var i = 0; i < Rows; i++)
        {
            a[i] = random.NextDouble();
            b[i] = random.NextDouble() * 1000 - 500;
            category[i] = "cat" + random.Next(20);
            id[i] = Guid.NewGuid().ToString("N")[..random.Next(4, 24)];
        }
        table = Table.Create(new NumberColumn("a", [.. a]), new NumberColumn("b", [.. b]), new TextColumn("category", [.. category]), new TextColumn("id", [.. id]))
            .Match(t => t, e => throw new InvalidOperationException(e.Message));
        dir = Path.Combine(Path.GetTempPath(), "runtools-bench-tables");
        Directory.CreateDirectory(dir);
        foreach (var (name, settings) in Candidates)
        {
            Write(name, settings);
            Console.WriteLine($"// {name}: {new FileInfo(PathOf(name)).Length} bytes");
        }
    }

    string PathOf(string name) => Path.Combine(dir, name + ".parquet");

    void Write(string name, ParquetSettings settings) =>
        TableFiles.WriteParquet(PathOf(name), table, settings).IfFail(e => throw new InvalidOperationException(e.Message));

    int Read(string name) => TableFiles.Read(PathOf(name)).Match(t => t.RowCount, e => throw new InvalidOperationException(e.Message));

    [Benchmark(Baseline = true), BenchmarkCategory("write")] public void WriteNone() => Write("none", Candidates[0].Settings);
    [Benchmark, BenchmarkCategory("write")] public void WriteSnappy() => Write("snappy", Candidates[1].Settings);
    [Benchmark, BenchmarkCategory("write")] public void WriteLz4Raw() => Write("lz4raw", Candidates[2].Settings);
    [Benchmark, BenchmarkCategory("write")] public void WriteZstdFastest() => Write("zstd-fastest", Candidates[3].Settings);
    [Benchmark, BenchmarkCategory("write")] public void WriteZstdOptimal() => Write("zstd-optimal", Candidates[4].Settings);
    [Benchmark, BenchmarkCategory("write")] public void WriteGzipFastest() => Write("gzip-fastest", Candidates[5].Settings);

    [Benchmark(Baseline = true), BenchmarkCategory("read")] public int ReadNone() => Read("none");
    [Benchmark, BenchmarkCategory("read")] public int ReadSnappy() => Read("snappy");
    [Benchmark, BenchmarkCategory("read")] public int ReadLz4Raw() => Read("lz4raw");
    [Benchmark, BenchmarkCategory("read")] public int ReadZstdFastest() => Read("zstd-fastest");
    [Benchmark, BenchmarkCategory("read")] public int ReadZstdOptimal() => Read("zstd-optimal");
    [Benchmark, BenchmarkCategory("read")] public int ReadGzipFastest() => Read("gzip-fastest");
}
