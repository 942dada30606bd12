using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Shell.Training;
using RunTools.Tables;

namespace RunTools.Module.Completion;

/// <summary>
/// Completers for what a run holds, read from the run bound to -Run (a run object, a path, a name, a key or an id
/// prefix) or piped in from a variable. With no run there is nothing to offer.
/// </summary>
public abstract class RunContentCompleter : RunArgumentCompleter
{
    protected sealed override IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word) =>
        scope.BoundRun() is { } run ? Candidates(scope, run) : [];

    protected abstract IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run);
}

/// <summary>The stages of the run (Invoke-RunStage -Name and -DependsOn, Invoke-RunTraining -Name, ...), in the order
/// they first ran. -DependsOn does not offer the stage being invoked.</summary>
public sealed class StageNameCompleter : RunContentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run)
    {
        var self = scope.Parameter == "DependsOn" ? scope.BoundText("Name") : null;
        return run.Stages
            .Where(s => self is null || !string.Equals(s.Name, self, StringComparison.Ordinal))
            .Select(s => new Candidate(s.Name,
                $"Stage {s.Name}: {s.Status.ToString().ToLowerInvariant()}, attempt {s.Attempt}, started {Time(s.StartedAt)}" +
                (s.DependsOn.IsEmpty ? "" : $", after {string.Join(", ", s.DependsOn)}")));
    }
}

/// <summary>The fold plans stored in the run (New-RunFoldPlan -Name, Invoke-RunTraining -Plan).</summary>
public sealed class FoldPlanCompleter : RunContentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run) =>
        run.FoldPlans.Select(p => new Candidate(p.Name,
            $"Fold plan {p.Name}: {p.Kind}, {p.Folds} folds" + (p.Repeats > 1 ? $" x {p.Repeats} repeats" : "") +
            (p.Nested ? ", nested" : "") + (p.Production ? ", with production" : "") + $", {p.Rows} rows ({p.Path})"));
}

/// <summary>The models a training stage of the run saved (Invoke-RunInference -Model): 'production' first, then the
/// folds' models. The stage is -Stage when bound, else 'train'.</summary>
public sealed class ModelCompleter : RunContentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run)
    {
        var stage = scope.BoundText("Stage") ?? RunLayout.DefaultTrainingStage;
        return InferenceWorkflow.Models(run, stage)
            .OrderBy(m => m.Model == FoldId.ProductionName ? 0 : 1).ThenBy(m => m.Model, StringComparer.Ordinal)
            .Select(m => new Candidate(m.Model, $"Model {m.Model} of stage {stage} ({m.ModelFile.Path[..m.ModelFile.Path.LastIndexOf('/')]}), saved {Time(m.ModelFile.AddedAt)}"));
    }
}

/// <summary>Metric names (Get-RunMetric -Name, Write-RunMetric -Name, Remove-Run -Metric): the run's when a run is
/// bound or piped in, else those of the runs under the root in scope (the -Key runs when -Key is bound).</summary>
public sealed class MetricNameCompleter : RunArgumentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word)
    {
        if (scope.BoundRun() is { } run)
            return run.Metrics.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new Candidate(m.Name,
                $"Metric {m.Name}: last {Number(m.Last)}, min {Number(m.Min)}, max {Number(m.Max)}, {m.Count} value{(m.Count == 1 ? "" : "s")}"));
        if (scope.Bound("Run") is not null) return [];
        var keys = scope.Bound("Key") is { } k ? AsTexts(k) : [];
        var runs = scope.Runs.Where(r => keys.Length == 0 || keys.Contains(r.Key, StringComparer.OrdinalIgnoreCase))
            .Select(r => ReadRun(r.Path)).OfType<RunManifest>().ToArray();
        return runs.SelectMany(r => r.Metrics.Map(m => m.Name))
            .GroupBy(n => n, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Candidate(g.Key, $"Metric {g.Key}, in {g.Count()} of {runs.Length} runs"));
    }

    static RunManifest? ReadRun(string path) =>
        Shell.Store.RunStore.Read(path).Match(Succ: m => m, Fail: _ => (RunManifest?)null);

    static string[] AsTexts(object value) => value switch
    {
        string s => [s],
        System.Collections.IEnumerable items => items.Cast<object?>().Select(i => (i is System.Management.Automation.PSObject p ? p.BaseObject : i)?.ToString()).OfType<string>().ToArray(),
        _ => [value.ToString() ?? ""],
    };
}

/// <summary>The run's tables (Import-RunTable -Path): its CSV, TSV and Parquet files, relative to the run with '/',
/// outside the run's own bookkeeping. The word matches a path's beginning or its file name's.</summary>
public sealed class RunTableCompleter : RunContentCompleter
{
    /// <summary>Completion must stay quick on a run with many files: the walk stops after this many files.</summary>
    const int MaxEntries = 20_000;

    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run)
    {
        var root = run.Path!;
        var registered = run.Artifacts.ToDictionary(a => a.Path, a => a, StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        var files = Directory.EnumerateFiles(root, "*", options).Take(MaxEntries)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(r => !RunLayout.IsReserved(r) && !r.Split('/').Any(part => part.StartsWith('.')) && FileInspector.FormatOf(r) != DataFormat.Other)
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            var bytes = new FileInfo(Path.Combine(root, relative)).Length;
            var kind = registered.TryGetValue(relative, out var a) ? $"{ArtifactKinds.Text(a.Kind)} artifact" + (a.Stage is null ? "" : $" of stage {a.Stage}") : "file";
            yield return new Candidate(relative, $"{relative}: {kind}, {bytes:N0} bytes", AlsoMatches: Path.GetFileName(relative));
        }
    }
}

/// <summary>The run's registered table artifacts (Import-RunTable -Name): kinds table, predictions, fold_plan, metrics.</summary>
public sealed class TableArtifactCompleter : RunContentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, RunManifest run) =>
        run.Artifacts.Where(a => TableArtifacts.HoldsTable(a.Kind)).OrderBy(a => a.Path, StringComparer.Ordinal)
            .Select(a => new Candidate(a.Path, $"{a.Path}: {ArtifactKinds.Text(a.Kind)}" + (a.Stage is null ? "" : $" of stage {a.Stage}") + $", {a.Bytes:N0} bytes", AlsoMatches: Path.GetFileName(a.Path)));
}
