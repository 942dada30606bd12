using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RunTools.Shell.Tables;

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
            if (!CsvTables.Read(path, ',', null).Equals(CsvTextTables.Read(path, ',', null)))
                throw new InvalidOperationException($"The readers disagree on {path}.");
            Console.WriteLine($"// {path}: {new FileInfo(path).Length} bytes");
        }
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
    public int TextReaderNumeric() => CsvTextTables.Read(numeric, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("numeric")]
    public int ByteReaderNumeric() => CsvTables.Read(numeric, ',', null).RowCount;

    [Benchmark(Baseline = true), BenchmarkCategory("text")]
    public int TextReaderText() => CsvTextTables.Read(text, ',', null).RowCount;

    [Benchmark, BenchmarkCategory("text")]
    public int ByteReaderText() => CsvTables.Read(text, ',', null).RowCount;
}
