using System.Text;
using BenchmarkDotNet.Attributes;
using RunTools.Shell.Store;

namespace RunTools.Benchmarks;

/// <summary>
/// The overhead of creating a run without data hashing (config file parse + merge, environment and git capture,
/// manifest, events, config files, staging directory renamed into place), against the least any tool must do to
/// record a run: create a directory and durably write one small JSON file.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
public class NewRunBenchmarks
{
    string root = "", config = "";
    int counter;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "runtools-bench-runs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        config = Path.Combine(root, "..", "config.yaml");
        File.WriteAllText(config, "model:\n  trees: 100\n  lr: 0.1\ndata:\n  label: y\n");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    [Benchmark(Baseline = true, Description = "mkdir + one fsynced JSON file")]
    public void MinimalRecord()
    {
        var dir = Path.Combine(root, $"plain_{counter++}");
        Directory.CreateDirectory(dir);
        using var f = new FileStream(Path.Combine(dir, "run.json"), FileMode.CreateNew);
        f.Write(Encoding.UTF8.GetBytes("{\"status\":\"pending\",\"config\":{\"model\":{\"trees\":100}}}"));
        f.Flush(flushToDisk: true);
    }

    [Benchmark(Description = "RunTools New-Run (plan + create, no data)")]
    public string NewRun()
    {
        var request = new NewRunRequest(root, "bench", Seq1((config, config)), [], [], [], [], Environment.CurrentDirectory, "7.6.9");
        return RunFactory.Plan(request).Bind(RunFactory.Execute).Match(m => m.Name, e => throw new InvalidOperationException(e.Message));
    }
}
