using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RunTools.Tables;

namespace RunTools.Benchmarks;

/// <summary>
/// The number cells of the 100,000 × 32 training file (3 million doubles written with "R", 100,000 integer ids),
/// parsed from their UTF-8 bytes: the byte reader's own parser (<see cref="CsvUtf8.TryNumber"/> and
/// <see cref="CsvUtf8.TryInteger"/>: Utf8Decimal's scan and Eisel-Lemire, the framework only for what it does not
/// decide) as the baseline, against the framework's UTF-8 parsers (<c>double.TryParse</c>/<c>long.TryParse</c> over
/// bytes, the rules <see cref="CsvInference"/> states). The cells are located once in the setup; this is parsing only.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Utf8NumberBenchmarks
{
    byte[] bytes = [];
    (int Start, int Length)[] numbers = [], integers = [];

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Path.GetTempPath(), "runtools-bench-training", "synthetic-100k-30.csv");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TrainingBenchmarks.WriteData(path);
        }
        bytes = File.ReadAllBytes(path);
        var n = new List<(int, int)>();
        var i = new List<(int, int)>();
        var start = System.Array.IndexOf(bytes, (byte)'\n') + 1;
        var column = 0;
        for (var at = start; at < bytes.Length; at++)
        {
            if (bytes[at] is not ((byte)',' or (byte)'\n')) continue;
            (column == 0 || column == 31 ? i : n).Add((start, at - start));
            column = bytes[at] == '\n' ? 0 : column + 1;
            start = at + 1;
        }
        (numbers, integers) = ([.. n], [.. i]);
        foreach (var (s, l) in numbers)
        {
            var cell = bytes.AsSpan(s, l);
            if (!CsvUtf8.TryNumber(cell, out var a) || !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) || a.CompareTo(b) != 0)
                throw new InvalidOperationException("The parsers disagree.");
        }
        Console.WriteLine($"// {numbers.Length} number cells, {integers.Length} integer cells");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("double")]
    public double Utf8DecimalNumbers()
    {
        var sum = 0.0;
        foreach (var (s, l) in numbers) sum += CsvUtf8.TryNumber(bytes.AsSpan(s, l), out var v) ? v : 0;
        return sum;
    }

    [Benchmark, BenchmarkCategory("double")]
    public double FrameworkNumbers()
    {
        var sum = 0.0;
        foreach (var (s, l) in numbers) sum += double.TryParse(bytes.AsSpan(s, l), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return sum;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("long")]
    public long Utf8DecimalIntegers()
    {
        var sum = 0L;
        foreach (var (s, l) in integers) sum += CsvUtf8.TryInteger(bytes.AsSpan(s, l), out var v) ? v : 0;
        return sum;
    }

    [Benchmark, BenchmarkCategory("long")]
    public long FrameworkIntegers()
    {
        var sum = 0L;
        foreach (var (s, l) in integers) sum += long.TryParse(bytes.AsSpan(s, l), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return sum;
    }
}
