using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RunTools.Shell.Tables;
using RunTools.Tables;

namespace RunTools.Benchmarks;

/// <summary>
/// Reading a CSV file into a table: the byte reader (<see cref="CsvTables"/>, what TableFiles.Read uses) against the
/// text reader it replaced and still hands non-UTF-8 files to (<see cref="CsvTextTables"/>, the baseline of each
/// category). Two files:
/// <list type="bullet">
/// <item><b>numeric</b>: TrainingBenchmarks' 100,000 × 32 file (an id, 30 features written with "R", a 0/1 label;
/// about 60 MB), what the training pipeline reads.</item>
/// <item><b>text</b>: 200,000 rows of mostly text: an id, a name, an e-mail address, a city, a comment that is often
/// quoted (commas, doubled quotes, line breaks), a date, an amount and a flag (about 30 MB).</item>
/// </list>
/// Both readers return equal tables (tests/RunTools.Shell.Tests/CsvReaderTests.cs); GlobalSetup checks it for these
/// two files too.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CsvReadBenchmarks
{
    string numeric = "", text = "";

    [GlobalSetup]
    public void Setup()
    {
        var training = Path.Combine(Path.GetTempPath(), "runtools-bench-training");
        Directory.CreateDirectory(training);
        numeric = Path.Combine(training, "synthetic-100k-30.csv");
        if (!File.Exists(numeric)) TrainingBenchmarks.WriteData(numeric);
        var directory = Path.Combine(Path.GetTempPath(), "runtools-bench-csv");
        Directory.CreateDirectory(directory);
        text = Path.Combine(directory, "text-200k.csv");
        if (!File.Exists(text)) WriteText(text);
        foreach (var path in new[] { numeric, text })
        {
            var expected = CsvTables.Read(path, ',', null);
            Check(expected, CsvTextTables.Read(path, ',', null), "the text reader", path);
            Check(expected, LibraryCsvReaders.SepSequential(path, ','), "Sep", path);
            Check(expected, LibraryCsvReaders.SepParallel(path, ','), "Sep (parallel)", path);
            Check(expected, LibraryCsvReaders.Sylvan(path, ','), "Sylvan", path);
            Console.WriteLine($"// {path}: {new FileInfo(path).Length} bytes");
        }
    }

    internal static void Check(Table expected, Table actual, string reader, string path)
    {
        if (expected.Equals(actual)) return;
        var diff = expected.Columns.Zip(actual.Columns).FirstOrDefault(p => !p.Item1.Equals(p.Item2));
        throw new InvalidOperationException($"{reader} disagrees with the byte reader on {path}: column {diff.Item1?.Name} "
            + $"({diff.Item1?.Kind} vs {diff.Item2?.Kind}; {expected.Columns.Count} vs {actual.Columns.Count} columns).");
    }

    static void WriteText(string path)
    {
        var random = new Random(42);
        string[] words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega", "été", "日本"];
        string[] cities = ["Berlin", "Paris", "London", "Zürich", "Kraków", "São Paulo", "Tokyo", "New York", "Lagos", "Lima"];
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => words[random.Next(words.Length)]));
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("id,name,email,city,comment,date,amount,active");
        for (var i = 0; i < 200_000; i++)
        {
            var name = Words(2);
            var comment = random.Next(4) switch
            {
                0 => Words(random.Next(3, 12)),
                1 => $"\"{Words(random.Next(2, 6))}, {Words(random.Next(2, 6))}\"",
                2 => $"\"she said \"\"{Words(3)}\"\"\nand left\"",
                _ => "",
            };
            writer.WriteLine(string.Join(',',
                i.ToString(CultureInfo.InvariantCulture), name, name.Replace(' ', '.') + "@example.org", cities[random.Next(cities.Length)], comment,
                new DateOnly(2020, 1, 1).AddDays(random.Next(2000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                (random.Next(1_000_000) / 100.0).ToString(CultureInfo.InvariantCulture), random.Next(2) == 0 ? "true" : "false"));
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("numeric")]
    public int ByteReaderNumeric() => CsvTables.Read(numeric, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("numeric")]
    public int TextReaderNumeric() => CsvTextTables.Read(numeric, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("numeric")]
    public int SepNumeric() => LibraryCsvReaders.SepSequential(numeric, ',').RowCount;

    [Benchmark, BenchmarkCategory("numeric")]
    public int SepParallelNumeric() => LibraryCsvReaders.SepParallel(numeric, ',').RowCount;

    [Benchmark, BenchmarkCategory("numeric")]
    public int SylvanNumeric() => LibraryCsvReaders.Sylvan(numeric, ',').RowCount;

    [Benchmark(Baseline = true), BenchmarkCategory("text")]
    public int ByteReaderText() => CsvTables.Read(text, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("text")]
    public int TextReaderText() => CsvTextTables.Read(text, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("text")]
    public int SepText() => LibraryCsvReaders.SepSequential(text, ',').RowCount;

    [Benchmark, BenchmarkCategory("text")]
    public int SepParallelText() => LibraryCsvReaders.SepParallel(text, ',').RowCount;

    [Benchmark, BenchmarkCategory("text")]
    public int SylvanText() => LibraryCsvReaders.Sylvan(text, ',').RowCount;
}

/// <summary>
/// A 1 GiB CSV file into a table: the numeric file of <see cref="CsvReadBenchmarks"/> repeated to 1 GiB (about 1.8
/// million rows × 32 columns), through the byte reader (baseline) and the library candidates that kept up with it on
/// the small files. The text reader is left out (it takes about 14 s a read).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class CsvReadLargeBenchmarks
{
    string large = "";

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(Path.GetTempPath(), "runtools-bench-csv");
        Directory.CreateDirectory(directory);
        large = Path.Combine(directory, "numeric-1gib.csv");
        if (!File.Exists(large) || new FileInfo(large).Length < 1L << 30)
        {
            var training = Path.Combine(Path.GetTempPath(), "runtools-bench-training", "synthetic-100k-30.csv");
            if (!File.Exists(training))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(training)!);
                TrainingBenchmarks.WriteData(training);
            }
            var lines = File.ReadAllLines(training);
            using var writer = new StreamWriter(large, false, new UTF8Encoding(false)) { NewLine = "\n" };
            writer.WriteLine(lines[0]);
            while (writer.BaseStream.Length < 1L << 30)
                foreach (var line in lines.Skip(1)) writer.WriteLine(line);
        }
        var expected = CsvTables.Read(large, ',', null);
        CsvReadBenchmarks.Check(expected, LibraryCsvReaders.SepParallel(large, ','), "Sep (parallel)", large);
        Console.WriteLine($"// {large}: {new FileInfo(large).Length} bytes, {expected.RowCount} rows");
    }

    [Benchmark(Baseline = true)]
    public int ByteReader() => CsvTables.Read(large, ',', null).RowCount;

    [Benchmark]
    public int SepParallel() => LibraryCsvReaders.SepParallel(large, ',').RowCount;

    [Benchmark]
    public int Sep() => LibraryCsvReaders.SepSequential(large, ',').RowCount;
}
