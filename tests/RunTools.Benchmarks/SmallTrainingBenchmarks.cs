using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RunTools.Benchmarks;

/// <summary>
/// The fixed overhead of a small training: logistic regression (lbfgs, one candidate) on scikit-learn's breast_cancer
/// data (569 × 30, binary) with 10 stratified outer folds. Baseline: scikit-learn's <c>LogisticRegression</c> (after a
/// <c>StandardScaler</c>, as RunTools standardises linear models' inputs) over 10 stratified folds of the same data,
/// fitting, predicting the held-out rows' probabilities and scoring their AUC; a Python process started in the set-up
/// runs it on request, so only the fits and predictions are timed. RunTools: Invoke-RunTraining's stage (-Force) as the
/// cmdlet runs it (reading the data and the plan from the run, 10 fits, scoring each outer fold from the saved model,
/// writing models, predictions and metric tables, the manifest), and the whole of a user's three commands (New-Run,
/// New-RunFoldPlan, Invoke-RunTraining). Goal: the training stage at most 3 × scikit-learn (Ratio ≤ 3).
/// Needs a Python 3 with scikit-learn and pandas (python3 on PATH, /usr/bin/python3, or RUNTOOLS_BENCH_PYTHON).
/// </summary>
[Config(typeof(Config))]
public class SmallTrainingBenchmarks
{
    /// <summary>In process: each measurement is a fraction of a second, and the Python process lives beside it.</summary>
    sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance));
    }

    const int Folds = 10;
    string directory = "", csv = "", config = "", run = "";
    Process? python;

    // Fits on request: one line in ("fit"), one line out (the mean AUC), so the pipe costs microseconds and Python's
    // start and imports are outside the measurement.
    const string Script = """
        import sys, warnings
        import numpy as np, pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import StratifiedKFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        warnings.filterwarnings("ignore")
        data = pd.read_csv(sys.argv[1])
        y = data["target"].to_numpy()
        x = data.drop(columns=["id", "target"]).to_numpy()
        folds = list(StratifiedKFold(n_splits=int(sys.argv[2]), shuffle=True, random_state=1).split(x, y))
        print("ready", flush=True)
        for line in sys.stdin:
            aucs = []
            for train, test in folds:
                model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[train], y[train])
                aucs.append(roc_auc_score(y[test], model.predict_proba(x[test])[:, 1]))
            print(np.mean(aucs), flush=True)
        """;

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "runtools-bench-small-training");
        Directory.CreateDirectory(directory);
        csv = Path.Combine(directory, "breast_cancer.csv");
        if (!File.Exists(csv)) WriteBreastCancer(csv);
        config = Path.Combine(directory, "config.yaml");
        File.WriteAllText(config, $$"""
            data: { label: target, id: id }
            folds: { kind: stratified, k: {{Folds}}, seed: 1 }
            training:
              task: binary
              candidates:
                - { trainer: lbfgs }
            """);
        var root = Path.Combine(directory, "runs");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        run = BenchStages.NewRun(Path.Combine(root, "trained"), config, csv, directory);
        BenchStages.PlanFolds(run);
    }

    [GlobalSetup(Target = nameof(ScikitLearn))]
    public void SetupPython()
    {
        Setup();
        var script = Path.Combine(directory, "sklearn_folds.py");
        File.WriteAllText(script, Script);
        var start = new ProcessStartInfo(Python(), [script, csv, Folds.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        python = Process.Start(start) ?? throw new InvalidOperationException("python did not start");
        if (python.StandardOutput.ReadLine() != "ready") throw new InvalidOperationException("the scikit-learn script did not start");
    }

    [GlobalCleanup(Target = nameof(ScikitLearn))]
    public void CleanupPython()
    {
        if (python is null) return;
        python.StandardInput.Close();
        python.WaitForExit();
        python.Dispose();
    }

    /// <summary>The first Python that imports scikit-learn and pandas.</summary>
    static string Python()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("RUNTOOLS_BENCH_PYTHON"), "python3", "/usr/bin/python3", "python" };
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import sklearn, pandas"])
                    { RedirectStandardError = true, UseShellExecute = false });
                if (probe is null) continue;
                probe.StandardError.ReadToEnd();
                probe.WaitForExit();
                if (probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under that name
            }
        }
        throw new InvalidOperationException("No Python with scikit-learn and pandas found: install them (apt-get install python3-sklearn python3-pandas) or set RUNTOOLS_BENCH_PYTHON.");
    }

    /// <summary>breast_cancer from scikit-learn as CSV: an id column, the 30 features (spaces in names as
    /// underscores) and target (0 malignant, 1 benign).</summary>
    void WriteBreastCancer(string path)
    {
        var script = Path.Combine(directory, "breast_cancer_csv.py");
        File.WriteAllText(script, """
            import sys
            from sklearn.datasets import load_breast_cancer
            frame = load_breast_cancer(as_frame=True).frame
            frame.columns = [c.replace(" ", "_") for c in frame.columns]
            frame.insert(0, "id", range(len(frame)))
            frame.to_csv(sys.argv[1] + ".tmp", index=False)
            """);
        using var p = Process.Start(new ProcessStartInfo(Python(), [script, path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("python did not start");
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("could not write breast_cancer.csv with scikit-learn");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    [Benchmark(Baseline = true, Description = "scikit-learn: StandardScaler + LogisticRegression, 10 folds")]
    public double ScikitLearn()
    {
        python!.StandardInput.WriteLine("fit");
        return double.Parse(python.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
    }

    [Benchmark(Description = "RunTools: Invoke-RunTraining stage (lbfgs, 10 outer folds)")]
    public double TrainingStage() => BenchStages.Train(run, force: true);

    [Benchmark(Description = "RunTools: New-Run + New-RunFoldPlan + Invoke-RunTraining")]
    public double AllStages()
    {
        var root = Path.Combine(directory, "runs", Guid.NewGuid().ToString("N"));
        var fresh = BenchStages.NewRun(root, config, csv, directory);
        BenchStages.PlanFolds(fresh);
        return BenchStages.Train(fresh);
    }

    // The runs of AllStages are removed at the end: a run's directory may still be settling right after its stage.
    [GlobalCleanup(Target = nameof(AllStages))]
    public void CleanupRuns() => Directory.Delete(Path.Combine(directory, "runs"), recursive: true);
}
