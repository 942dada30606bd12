using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace RunTools.Benchmarks;

/// <summary>
/// A derived run that reuses a finished 5-fold LightGbm training (100,000 × 30, the data of <see cref="TrainingBenchmarks"/>).
/// Baseline: the original work in a fresh root (New-Run, New-RunFoldPlan, Invoke-RunTraining: nothing to reuse).
/// RunTools: New-Run -From the trained run, then the same two stages, which the stage cache serves by bringing the
/// parent's files over (hard links) after checking their hashes. Goal: under 5% of the original (Ratio &lt; 0.05).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class DerivedRunBenchmarks
{
    string directory = "", csv = "", config = "", parent = "";

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "runtools-bench-derived");
        Directory.CreateDirectory(directory);
        csv = Path.Combine(directory, "synthetic-100k-30.csv");
        if (!File.Exists(csv)) TrainingBenchmarks.WriteData(csv);
        config = Path.Combine(directory, "config.yaml");
        File.WriteAllText(config, """
            data: { label: label, id: id }
            folds: { kind: kfold, k: 5, seed: 1 }
            training:
              task: binary
              threads: 0
              candidates:
                - { trainer: lightgbm, grid: { iterations: [100], leaves: [31] } }
            """);
        var root = Path.Combine(directory, "parent-root");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        parent = BenchStages.NewRun(root, config, csv, directory);
        BenchStages.PlanFolds(parent);
        BenchStages.Train(parent);
    }

    [Benchmark(Baseline = true, Description = "original: New-Run + New-RunFoldPlan + Invoke-RunTraining")]
    public double Original()
    {
        var root = Path.Combine(directory, "fresh", Guid.NewGuid().ToString("N"));
        var run = BenchStages.NewRun(root, config, csv, directory);
        BenchStages.PlanFolds(run);
        var auc = BenchStages.Train(run);
        Directory.Delete(root, recursive: true);
        return auc;
    }

    [Benchmark(Description = "derived: New-Run -From + both stages reused")]
    public double Derived() => Derive(parent);

    [MethodImpl(MethodImplOptions.NoInlining)]
    string DerivedRun(string from) => BenchStages.NewRun(Path.GetDirectoryName(from)!, "", "", directory, from);

    double Derive(string from)
    {
        var run = DerivedRun(from);
        BenchStages.PlanFolds(run);
        var auc = BenchStages.Train(run);
        Directory.Delete(run, recursive: true);
        return auc;
    }
}
