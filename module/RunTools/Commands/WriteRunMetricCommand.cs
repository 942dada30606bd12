using RunTools.Shell.Hosting;
using System.Collections;
using System.Management.Automation;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Records metric values (with an optional step). The whole history stays in the run's events; the
/// manifest keeps each metric's last, min, max and count. Values from the pipeline are written in batches (one lock
/// and one append per batch of up to <see cref="BatchSize"/> values, or per second when they come slowly).</summary>
[Cmdlet(VerbsCommunications.Write, "RunMetric", SupportsShouldProcess = true, DefaultParameterSetName = Single, HelpUri = HelpLinks.Docs + "Write-RunMetric.md")]
[OutputType(typeof(MetricRecord))]
public sealed class WriteRunMetricCommand : RunCmdlet
{
    const string Single = "Single", Table = "Table";

    /// <summary>The run: a run object (also from the pipeline), its path, name, key, id or id prefix.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string Run { get; set; } = "";

    /// <summary>Where run names are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    [ArgumentCompleter(typeof(Completion.MetricNameCompleter))]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = Single, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = Single, ValueFromPipelineByPropertyName = true)]
    public double Value { get; set; }

    /// <summary>Several metrics at once: @{ auc = 0.91; f1 = 0.8 }.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = Table)]
    public IDictionary? Metric { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long? Step { get; set; }

    /// <summary>The stage the values belong to.</summary>
    [ArgumentCompleter(typeof(Completion.StageNameCompleter))]
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Stage { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The most values written with one append.</summary>
    public const int BatchSize = 1000;

    static readonly TimeSpan FlushAfter = TimeSpan.FromSeconds(1);

    readonly List<MetricPoint> points = [];
    string pendingRun = "";
    DateTimeOffset firstPending, lastArrival;

    /// <summary>Each value is checked on its own (a number, finite, with a valid name): a bad one is reported and
    /// left out, and the others are still written.</summary>
    /// <remarks>Values that come quickly are gathered, up to <see cref="BatchSize"/> or for a second; a value that comes
    /// a second or more after the one before it (a training loop's epoch) is written at once, with any gathered before
    /// it. Each value keeps the time it was given.</remarks>
    protected override void Process()
    {
        if (!ResolveRun(Run, out var run)) return;
        if (run != pendingRun) Flush(); // runs piped in turn: each run's values are written to it
        pendingRun = run;
        var now = Clock.Now;
        var slow = now - lastArrival >= FlushAfter; // the first value too (lastArrival is the epoch then)
        lastArrival = now;
        if (Metric is null) Add(new MetricPoint(Name, Value, Step, Stage, now));
        else
            foreach (var (name, raw) in PowerShellValues.Entries(Metric))
                if (Succeeded(Number(name, raw), out var value))
                    Add(new MetricPoint(name, value, Step, Stage, now));
        if (slow || points.Count >= BatchSize || (points.Count > 0 && now - firstPending >= FlushAfter)) Flush();
    }

    void Add(MetricPoint point)
    {
        if (!Succeeded(RunCommands.WriteMetrics(Seq1(point), Clock.Now), out _)) return;
        if (points.Count == 0) firstPending = point.At ?? Clock.Now;
        points.Add(point);
    }

    protected override void End() => Flush();

    void Flush()
    {
        if (points.Count == 0) return;
        var batch = points.ToSeq().Strict();
        points.Clear();
        if (!ShouldProcess(RunTarget(pendingRun), $"Write {batch.Count} metric value(s): {string.Join(", ", batch.Map(p => p.Name).Distinct())}")) return;
        if (Succeeded(RunOperations.WriteMetrics(pendingRun, batch), out var written, pendingRun) && PassThru)
            WriteObject(written.Written.ToArray(), enumerateCollection: true);
    }

    static Fin<double> Number(string name, object? value) =>
        LanguagePrimitives.TryConvertTo<double>(value, out var d)
            ? FinSucc(d)
            : FinFail<double>(new MetricInvalid(name, $"'{value}' is not a number"));
}
