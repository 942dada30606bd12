using System.Security.Cryptography;
using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Bundles;
using RunTools.Shell.Bundles;
using RunTools.Stages;

namespace RunTools.FaultHarness;

/// <summary>The <paramref name="n"/>-th operation (from 1) of writer <paramref name="thread"/>. It calls
/// <paramref name="ack"/> once for each effect that is on disk, right after the call that made it returned success.</summary>
public delegate Fin<Unit> Operation(int thread, long n, Action<string> ack);

/// <summary>
/// The operations the fault tests kill at random moments, one small function each, calling the shell as the cmdlets
/// do. What each acknowledges (the tests parse these lines):
/// <list type="bullet">
/// <item><c>run &lt;full path&gt;</c>: New-Run created that run.</item>
/// <item><c>metric &lt;name&gt; &lt;value&gt;</c>: Write-RunMetric wrote that value (values are 1, 2, 3, ... per name).</item>
/// <item><c>stage &lt;stage&gt; &lt;attempt&gt; &lt;output&gt; &lt;sha256&gt;</c>: Invoke-RunStage completed that attempt, whose body wrote
/// the output with that hash.</item>
/// <item><c>artifact &lt;path&gt; &lt;sha256&gt;</c>: Add-RunArtifact registered that file with that hash.</item>
/// <item><c>repair &lt;actions&gt;</c>: Repair-Run returned having done that many actions.</item>
/// <item><c>import &lt;full path&gt;</c>: Import-RunBundle -Force put that run in place.</item>
/// </list>
/// </summary>
public static class Operations
{
    public static readonly IReadOnlyDictionary<string, Func<HarnessOptions, Operation>> All =
        new Dictionary<string, Func<HarnessOptions, Operation>>(StringComparer.Ordinal)
        {
            ["new-run"] = NewRun,
            ["metric"] = Metric,
            ["stage"] = Stage,
            ["artifact"] = Artifact,
            ["repair"] = Repair,
            ["import"] = Import,
        };

    static Unit Ack(Action<string> ack, string what)
    {
        ack(what);
        return unit;
    }

    /// <summary>New-Run: runs with the same key under one root (each gets its own directory).</summary>
    static Operation NewRun(HarnessOptions o) => (_, _, ack) =>
        from plan in RunFactory.Plan(new NewRunRequest(o.Target, o.Key, [], [], [], [], [], Environment.CurrentDirectory, "fault-harness"))
        from run in RunFactory.Execute(plan)
        select Ack(ack, $"run {run.Path}");

    /// <summary>Write-RunMetric: writer t of series s writes 1, 2, 3, ... to the metric w&lt;s&gt;-&lt;t&gt;.</summary>
    static Operation Metric(HarnessOptions o) => (thread, n, ack) =>
    {
        var name = $"w{o.Series}-{thread}";
        return RunOperations.WriteMetrics(o.Target, Seq1(new MetricPoint(name, n, n, null))).Map(_ => Ack(ack, $"metric {name} {n}"));
    };

    static readonly string[] StageNames = ["prepare", "fit", "score"];

    /// <summary>Invoke-RunStage -Force with a body that writes its declared output (atomically, as a careful stage
    /// does) and a line to its log; the stages take turns, so each is re-run over an output of an earlier attempt.</summary>
    static Operation Stage(HarnessOptions o) => (thread, n, ack) =>
    {
        var stage = StageNames[(n - 1) % StageNames.Length] + (thread == 0 ? "" : $"-{thread}");
        var output = $"out/{stage}.txt";
        var spec = new StageSpec(stage, Seq<string>(), Seq<string>(), Seq1(output), Force: true, Command: "fault-harness stage");
        string? acked = null;
        var run = StageDriver.Run(new StageJob(o.Target, spec, "fault-harness stage", new CallerBody(attempt =>
        {
            var content = Encoding.UTF8.GetBytes($"{stage} attempt {attempt.Attempt} of series {o.Series}, operation {n}\n{new string('x', (int)(n % 7) * 1000)}\n");
            StageRunner.AppendLog(attempt.LogPath, $"writing {output}");
            AtomicFile.WriteBytes(Path.Combine(attempt.RunDirectory, output), content);
            acked = $"stage {stage} {attempt.Attempt} {output} {Convert.ToHexStringLower(SHA256.HashData(content))}";
            return StageBodyResult.Of(new StageSucceeded());
        })), HarnessHost.Instance);
        return run switch
        {
            StageRun.Finished => FinSucc(Ack(ack, acked!)),
            StageRun.Failed failed => FinFail<Unit>(failed.Error),
            var other => FinFail<Unit>(new UnexpectedFailure($"Stage '{stage}'", other.GetType().Name, "the stage did not run")),
        };
    };

    /// <summary>The harness as a stage's caller: it always confirms and shows nothing.</summary>
    sealed class HarnessHost : IStageHost
    {
        public static readonly HarnessHost Instance = new();
        public bool ShouldProcess(string target, string action) => true;
        public void Write(StageMessage message) { }
        public bool IsStop(Exception e) => false;
        public CancellationTokenSource Stopping { get; } = new();
    }

    /// <summary>Add-RunArtifact -Force: copies one of the source files over one of four destinations in turn.</summary>
    static Operation Artifact(HarnessOptions o)
    {
        var sources = Directory.GetFiles(o.Sources ?? throw new ArgumentException("--sources is required")).Order(StringComparer.Ordinal).ToArray();
        return (thread, n, ack) =>
        {
            var source = sources[(o.Series * 7 + n) % sources.Length];
            var destination = thread == 0 ? $"artifacts/a{n % 4}.bin" : $"artifacts/t{thread}/a{n % 4}.bin";
            return from target in RunOperations.ArtifactTarget(o.Target, source, destination)
                   from added in RunOperations.AddArtifact(o.Target, source, target.Relative, target.Copy, null, null, force: true)
                   select Ack(ack, $"artifact {added.Artifact.Path} {added.Artifact.Sha256}");
        };
    }

    /// <summary>Import-RunBundle -Force: imports <c>bundle.zip</c> of <c>--sources</c> under the root, over the run an
    /// earlier import put there (the one replaced is exchanged with the new one in one step).</summary>
    static Operation Import(HarnessOptions o)
    {
        var bundle = Path.Combine(o.Sources ?? throw new ArgumentException("--sources is required"), "bundle.zip");
        return (_, _, ack) =>
            from plan in BundleImport.Plan(new ImportRequest(bundle, o.Target, BundleLimits.Default, Force: true))
            from runs in BundleImport.Execute(plan)
            select Ack(ack, $"import {runs.Head.Path}");
    }

    /// <summary>Repair-Run after the traces a crash leaves, made here as a dying writer makes them: a metric is written,
    /// then (in turn) a cut-off line is appended, or an event is appended without rewriting run.json; then Repair-Run
    /// mends the run.</summary>
    static Operation Repair(HarnessOptions o) => (_, n, ack) =>
    {
        var name = $"r{o.Series}";
        var crashed = new MetricWritten(DateTimeOffset.UtcNow, $"{name}-stale", n, n, null);
        return from written in RunOperations.WriteMetrics(o.Target, Seq1(new MetricPoint(name, n, n, null)))
               let acked = Ack(ack, $"metric {name} {n}")
               from trace in n % 2 == 1
                   ? CutOffAppend(o.Target, crashed)
                   : AppendWithoutManifest(o.Target, crashed).Map(__ => Ack(ack, $"metric {name}-stale {n}"))
               from done in RunRepair.Execute(o.Target, approve => true, DateTimeOffset.UtcNow)
               select Ack(ack, $"repair {done.Count}");
    };

    /// <summary>What a writer killed after appending its event, before rewriting run.json, leaves.</summary>
    static Fin<Unit> AppendWithoutManifest(string run, RunEvent e) =>
        UnderLock(run, stored => EventLog.Append(run, stored.Log, Seq1(e)));

    /// <summary>What a writer killed half way through appending its event's line leaves.</summary>
    static Fin<Unit> CutOffAppend(string run, RunEvent e) =>
        UnderLock(run, stored =>
        {
            var (bytes, _, _) = EventLog.Encode(stored.Log, Seq1(e));
            using var stream = OwnFiles.OpenWrite(Path.Combine(run, RunLayout.Events));
            stream.SetLength(stored.Log.Bytes);
            stream.Seek(stored.Log.Bytes, SeekOrigin.Begin);
            stream.Write(bytes, 0, bytes.Length / 2);
            stream.Flush(flushToDisk: true);
            return unit;
        });

    static Fin<Unit> UnderLock<T>(string run, Func<StoredRun, T> act) =>
        RunLock.Acquire(run, RunLock.DefaultTimeout).Bind(held =>
        {
            using (held) return RunStore.Load(run, forWriting: true).Map(stored => ignore(act(stored)));
        });
}
