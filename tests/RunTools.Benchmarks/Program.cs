using BenchmarkDotNet.Running;

namespace RunTools.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*Hashing*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*NewRun*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*TableFile*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*CsvRead*'       (byte reader vs text reader, Sep, Sylvan; *CsvReadLarge*: 1 GiB)
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*Utf8Number*'    (the byte reader's number parsing vs the framework's UTF-8 parsers)
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*FoldPlan*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*MetricWrite*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*LargeConfig*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*Import*'   (after dotnet build RunTools.sln -c Release)
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*DerivedRun*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*RunIndex*'      (RUNTOOLS_BENCH_RUNS=100000 for 100,000 runs)
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*.TrainingBenchmarks.*'
/// dotnet run -c Release --project tests/RunTools.Benchmarks -- --filter '*SmallTraining*'   (needs python3 with scikit-learn and pandas, or RUNTOOLS_BENCH_PYTHON)
/// (no arguments: choose interactively; --list flat lists them). Results land in BenchmarkDotNet.Artifacts/.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
