using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Indexing;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Store;

namespace RunTools.Benchmarks;

/// <summary>
/// Get-Run with a param and metric filter over a root of 10,000 runs (RUNTOOLS_BENCH_RUNS for another count), each a
/// variation of a real training run of the quickstart (Fixtures/quickstart-training.run.json, 27 KB, 28 metrics, a
/// nested-CV config): its id, name, key, creation time, fold seed, candidate grid and metric values are varied, its
/// log (26 KB) hard-linked. The same question is answered by reading every run.json (the baseline: what Get-Run did
/// before the index), through the warm index (the stamps of every run checked, then only the runs that pass read),
/// and through an index rebuilt from nothing; and the floor, reading the bytes of every run.json.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class RunIndexBenchmarks
{
    string root = "";
    readonly int count = int.TryParse(Environment.GetEnvironmentVariable("RUNTOOLS_BENCH_RUNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 10_000;

    /// <summary>The question: one fold seed (1 run in 50) with cv/auc ≥ 0.9 (about half of those).</summary>
    static readonly RunQuery Query = RunQuery.All with { Params = Seq1<(string, object?)>(("folds.seed", 7)) };

    const double MinAuc = 0.9;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "runtools-bench-index", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "quickstart-training.run.json")))!.AsObject();
        var events = Path.Combine(fixtures, "quickstart-training.events.jsonl");
        var random = new Random(11);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var created = start.AddMinutes(7 * i);
            var key = i % 3 == 0 ? "sweep" : $"trial-{i % 17}";
            var name = $"{created:yyyyMMdd_HHmmss}_{key}";
            var run = template.DeepClone().AsObject();
            run["run_id"] = Guid.NewGuid().ToString("D");
            run["name"] = name;
            run["key"] = key;
            run["created_at"] = created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            run["config"]!["folds"]!["seed"] = i % 50;
            run["config"]!["training"]!["candidates"]![0]!["grid"]!["l2"] = new JsonArray(Math.Round(random.NextDouble(), 3), 1.0);
            foreach (var metric in run["metrics"]!.AsArray())
                metric!["last"] = Math.Round(random.NextDouble() * 0.4 + 0.6, 6);
            var directory = Path.Combine(root, name);
            Directory.CreateDirectory(directory);
            var text = run.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            File.WriteAllText(Path.Combine(directory, RunLayout.Manifest), text);
            AtomicFile.LinkOrCopy(events, Path.Combine(directory, RunLayout.Events));
            bytes += text.Length;
        }
        // Every run must read as the store reads it, and the filter must keep some.
        var kept = Baseline();
        Console.WriteLine($"// {count:N0} runs, run.json {bytes / count:N0} bytes on average; the filter keeps {kept} run(s)");
        if (kept == 0 || kept != Indexed()) throw new InvalidOperationException("The index and the full read disagree.");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    static bool Passes(RunManifest m) =>
        ConfigPaths.Get(m.Config, "folds.seed").Case is ConfigInt { Value: 7 } && m.Metric("cv/auc") is { Last: >= MinAuc };

    /// <summary>Reading every run.json, as Get-Run did before the index: each run read, then filtered.</summary>
    [Benchmark(Baseline = true, Description = "filter by reading every run.json")]
    public int Baseline()
    {
        var kept = 0;
        foreach (var path in RunStore.List(root))
            if (RunStore.Read(path).Case is RunManifest m && Passes(m)) kept++;
        return kept;
    }

    /// <summary>The floor: the bytes of every run.json, parsed by nothing.</summary>
    [Benchmark(Description = "read the bytes of every run.json (floor)")]
    public long Floor()
    {
        long total = 0;
        foreach (var directory in Directory.EnumerateDirectories(root))
            if (!Path.GetFileName(directory).StartsWith('.'))
                total += File.ReadAllBytes(Path.Combine(directory, RunLayout.Manifest)).Length;
        return total;
    }

    /// <summary>Through the index (warm: built by the setup): the listing and stamps checked, the filter evaluated on
    /// index entries, and the runs that pass read in full, as Get-Run builds their objects.</summary>
    [Benchmark(Description = "filter through the index (warm)")]
    public int Indexed()
    {
        var answer = RunIndexStore.Query(root);
        var kept = 0;
        foreach (var run in answer.Runs)
            if (Query.Keeps(run) && run.Entry.Metrics.Exists(m => m.Name == "cv/auc" && m.Value >= MinAuc)
                && RunStore.Read(Path.Combine(root, run.Entry.Directory)).Case is RunManifest) kept++;
        return kept;
    }

    [IterationSetup(Target = nameof(Rebuild))]
    public void DeleteIndex()
    {
        var folder = Path.Combine(root, RunLayout.RootWorkArea, RunLayout.RunIndex);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>The same filter with the index deleted first: every run read and its entry recorded.</summary>
    [Benchmark(Description = "rebuild the index, then filter")]
    public int Rebuild() => Indexed();
}
