using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using RunTools.Config;
using RunTools.Folds;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Training;

namespace RunTools.Benchmarks;

/// <summary>
/// 5-fold cross-validation with LightGbm on 100,000 × 30 synthetic rows. Baseline: plain ML.NET code that reads the
/// same CSV with ML.NET's TextLoader and trains and scores the same five folds. RunTools: the same work as a user runs
/// it — New-Run (hashing the data), New-RunFoldPlan and Invoke-RunTraining's stage (reading the data and the plan
/// from the run, writing models, predictions and metric tables as Parquet, and the manifest). Goal: RunTools' overhead
/// at most 10% (Ratio ≤ 1.10). Each benchmark runs in its own process; "Peak WS" is that process's peak working set.
/// </summary>
[Config(typeof(PeakMemoryConfig))]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class TrainingBenchmarks
{
    const int Rows = 100_000, FeatureCount = 30, Folds = 5, Iterations = 100, Leaves = 31;
    string directory = "", csv = "", config = "";
    Seq<Fold> folds;

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "runtools-bench-training");
        Directory.CreateDirectory(directory);
        csv = Path.Combine(directory, "synthetic-100k-30.csv");
        if (!File.Exists(csv)) WriteData(csv);
        config = Path.Combine(directory, "config.yaml");
        File.WriteAllText(config, $$"""
            data: { label: label, id: id }
            folds: { kind: kfold, k: {{Folds}}, seed: 1 }
            training:
              task: binary
              threads: 0
              candidates:
                - { trainer: lightgbm, grid: { iterations: [{{Iterations}}], leaves: [{{Leaves}}] } }
            """);
        var keys = toSeq(Enumerable.Range(0, Rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        var spec = FoldSpecs.FromConfig(ConfigParser.Parse(File.ReadAllText(config), config, ConfigFormat.Yaml).Match(c => c, e => throw new InvalidOperationException(e.Message)))
            .Match(s => s, e => throw new InvalidOperationException(e.Message));
        folds = FoldPlanner.Plan(spec, new FoldData(keys, null, null, null)).Match(p => p.Outer(0), e => throw new InvalidOperationException(e.Message));
    }

    [GlobalCleanup(Target = nameof(PlainMlNet))]
    public void CleanupPlain() => PeakMemoryConfig.Record(nameof(PlainMlNet), Process.GetCurrentProcess().PeakWorkingSet64);

    [GlobalCleanup(Target = nameof(RunToolsStages))]
    public void CleanupRunTools() => PeakMemoryConfig.Record(nameof(RunToolsStages), Process.GetCurrentProcess().PeakWorkingSet64);

    internal static void WriteData(string path)
    {
        var random = new Random(42);
        var weights = Enumerable.Range(0, FeatureCount).Select(j => j < 10 ? random.NextDouble() * 2 - 1 : 0).ToArray();
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.WriteLine("id," + string.Join(',', Enumerable.Range(0, FeatureCount).Select(j => $"f{j}")) + ",label");
        var x = new double[FeatureCount];
        for (var i = 0; i < Rows; i++)
        {
            var logit = 0.0;
            for (var j = 0; j < FeatureCount; j++)
            {
                x[j] = random.NextDouble() * 2 - 1;
                logit += weights[j] * x[j] * 2;
            }
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
            w.WriteLine($"{i},{string.Join(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{label}");
        }
    }

    sealed class Row
    {
        [LoadColumn(0)] public float Id { get; set; }
        [LoadColumn(1, FeatureCount)] [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        [LoadColumn(FeatureCount + 1)] public bool Label { get; set; }
    }

    [Benchmark(Baseline = true, Description = "plain ML.NET: TextLoader + 5 LightGbm folds")]
    public double PlainMlNet()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromTextFile<Row>(csv, separatorChar: ',', hasHeader: true);
        var cached = ml.Data.Cache(data);
        var fold = new uint[Rows];
        foreach (var f in folds)
            foreach (var row in f.Held)
                fold[row] = (uint)f.Outer;
        var withFold = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<Row>(cached, reuseRowObject: false)
                .Select((r, i) => new FoldRow { Features = r.Features, Label = r.Label, Fold = fold[i] }),
            FoldRow.Schema());
        var auc = 0.0;
        for (var k = 0; k < Folds; k++)
        {
            var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = Iterations, NumberOfLeaves = Leaves, Silent = true });
            var kk = k;
            // FilterByCustomPredicate drops the rows for which the predicate is true.
            var train = ml.Data.Cache(ml.Data.FilterByCustomPredicate<FoldRow>(withFold, r => r.Fold == kk));
            var test = ml.Data.FilterByCustomPredicate<FoldRow>(withFold, r => r.Fold != kk);
            var model = trainer.Fit(train);
            auc += ml.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve / Folds;
        }
        return auc;
    }

    sealed class FoldRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public uint Fold { get; set; }

        public static SchemaDefinition Schema()
        {
            var s = SchemaDefinition.Create(typeof(FoldRow));
            s["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
            return s;
        }
    }

    [Benchmark(Description = "RunTools: New-Run + New-RunFoldPlan + Invoke-RunTraining stage")]
    public double RunToolsStages()
    {
        var root = Path.Combine(directory, "runs", Guid.NewGuid().ToString("N"));
        var run = NewRun(root);
        PlanFolds(run);
        var auc = Train(run);
        Directory.Delete(root, recursive: true);
        return auc;
    }

    // One method per cmdlet, as a user's three commands are: nothing but the run directory crosses from one stage to
    // the next (the fold-plan stage's data and plan are garbage by the time training starts, as they are in pwsh).

    [MethodImpl(MethodImplOptions.NoInlining)]
    string NewRun(string root) => BenchStages.NewRun(root, config, csv, directory);

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void PlanFolds(string run) => BenchStages.PlanFolds(run);

    [MethodImpl(MethodImplOptions.NoInlining)]
    static double Train(string run) => BenchStages.Train(run);
}

/// <summary>The cmdlets' work without PowerShell: New-Run, New-RunFoldPlan and Invoke-RunTraining through the one
/// stage driver, as the cmdlets call it.</summary>
public static class BenchStages
{
    /// <summary>A caller that always confirms and shows nothing.</summary>
    sealed class Host : IStageHost
    {
        public static readonly Host Instance = new();
        public bool ShouldProcess(string target, string action) => true;
        public void Write(StageMessage message) { }
        public bool IsStop(Exception e) => false;
        public CancellationTokenSource Stopping { get; } = new();
    }

    static T Ok<T>(Fin<T> result) => result.Match(v => v, e => throw new InvalidOperationException(e.Message));

    public static string NewRun(string root, string config, string csv, string directory, string? from = null) =>
        Ok(RunFactory.Plan(new NewRunRequest(root, "bench", config.Length == 0 ? [] : Seq1((config, config)), [], csv.Length == 0 ? [] : Seq1((csv, csv)), [], [], directory, "7.6.9")
            { From = from }).Bind(RunFactory.Execute)).Path!;

    static RunTools.Manifests.RunManifest Drive(StageJob job) => StageDriver.Run(job, Host.Instance) switch
    {
        StageRun.Finished f => f.Manifest,
        StageRun.Skipped s => s.Manifest,
        StageRun.Failed f => throw new InvalidOperationException(f.Error.Message),
        var other => throw new InvalidOperationException(other.ToString()),
    };

    /// <summary>As New-RunFoldPlan: the stage from the manifest, the data read only if it runs.</summary>
    public static void PlanFolds(string run)
    {
        var manifest = Ok(RunStore.Read(run));
        Drive(new StageJob(run, Ok(FoldPlanWorkflow.Spec(manifest, "folds", [], false)), "plan folds",
            new PreparedBody(() => FoldPlanWorkflow.Prepare(manifest, "folds", []).Map(s => (StageBody)FoldPlanWorkflow.Body(s)))));
    }

    /// <summary>As Invoke-RunTraining (with -Force: trains again though nothing changed).</summary>
    /// <returns>The cross-validated AUC the run recorded.</returns>
    public static double Train(string run, bool force = false)
    {
        var manifest = Ok(RunStore.Read(run));
        var trained = Drive(new StageJob(run, Ok(TrainingWorkflow.Spec(manifest, "folds", "train", force)), "train",
            new PreparedBody(() => TrainingWorkflow.Prepare(manifest, "folds").Map(s => (StageBody)TrainingWorkflow.Body(s)))));
        return trained.Metric("cv/auc")?.Last ?? double.NaN;
    }
}

/// <summary>Adds a "Peak WS" column: each benchmark process records its peak working set in GlobalCleanup.</summary>
public sealed class PeakMemoryConfig : ManualConfig
{
    // The benchmark runs in its own process: the file name must not depend on anything process-specific (string
    // hash codes are randomised per process).
    static string FileFor(string benchmark) => Path.Combine(Path.GetTempPath(), $"runtools-bench-peak-{benchmark}.txt");

    public PeakMemoryConfig() => AddColumn(new PeakColumn());

    /// <summary>Called in the benchmark's own process: remembers its peak working set under the benchmark's name.</summary>
    public static void Record(string benchmark, long bytes) => File.WriteAllText(FileFor(benchmark), bytes.ToString(CultureInfo.InvariantCulture));

    sealed class PeakColumn : IColumn
    {
        public string Id => "PeakWorkingSet";
        public string ColumnName => "Peak WS";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Size;
        public string Legend => "Peak working set of the benchmark's process";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var file = FileFor(benchmarkCase.Descriptor.WorkloadMethod.Name);
            return File.Exists(file) && long.TryParse(File.ReadAllText(file), out var bytes) ? $"{bytes / (1024.0 * 1024):0} MB" : "?";
        }
    }
}
