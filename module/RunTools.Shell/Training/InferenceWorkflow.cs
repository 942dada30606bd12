using System.Collections.Immutable;
using System.Globalization;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.MachineLearning;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Tables;
using RunTools.Stages;
using RunTools.Tables;
using RunTools.Training;

namespace RunTools.Shell.Training;

/// <summary>What Invoke-RunInference was asked for, paths already resolved.</summary>
/// <param name="Model">"production" or a fold id such as "r0_f2" (with "_smote" for the SMOTE variant).</param>
/// <param name="Evaluate">Evaluate the predictions when the data has the training's label column (not with -NoEvaluate).</param>
public sealed record InferenceRequest(
    string TrainingRun,
    string InputGiven,
    string InputFull,
    string? OutputPath,
    bool Force,
    string Model,
    string Stage,
    string? Key,
    string? Root,
    string WorkingDirectory,
    string PowerShellVersion,
    bool Evaluate = true);

/// <summary>An inference ready to run: the model, the checked input, and the run to record it in.</summary>
/// <param name="RowKeys">The <c>row_key</c> column of the predictions: the input's id column (the training run's
/// <c>data.id</c>) as it is, or the row index from 0 when the input has none.</param>
/// <param name="Holdout">The data's label column read against the model's labels, when the data has the training's label
/// column and evaluation was not turned off (null otherwise).</param>
public sealed record InferencePlan(
    InferenceRequest Request,
    RunManifest Training,
    ModelBundle Bundle,
    string ModelDirectory,
    Table Input,
    Seq<FeatureSource> Features,
    Column RowKeys,
    Seq<string> IgnoredColumns,
    NewRunPlan Run,
    HoldoutLabels? Holdout = null)
{
    /// <summary>Whether the predict stage evaluates the predictions against the label (some row has a label).</summary>
    public bool Evaluates => Holdout is { Evaluable: true };

    /// <summary>The files the predict stage writes, relative to the run: its outputs.</summary>
    public Seq<string> Outputs => Evaluates ? Seq(RunLayout.InferencePredictions, RunTools.Evaluation.Holdout.TablePath) : Seq1(RunLayout.InferencePredictions);

    /// <summary>What the user is told before scoring: columns the model does not use, rows left out of the evaluation.</summary>
    public Seq<string> Warnings =>
        (IgnoredColumns.IsEmpty
            ? Seq<string>()
            : Seq1($"Ignoring column{(IgnoredColumns.Count == 1 ? "" : "s")} the model does not use: {string.Join(", ", IgnoredColumns)}."))
        .Concat(Holdout is null ? Seq<string>() : RunTools.Evaluation.Holdout.Notes(Holdout));
}

/// <param name="Holdout">The held-out evaluation, when the predictions were evaluated.</param>
public sealed record InferenceOutcome(RunManifest Run, int Rows, string Predictions, string? OutputPath, HoldoutEvaluation? Holdout = null)
{
    /// <summary>What the user is told after scoring: held-out metrics that have no value on these rows.</summary>
    public Seq<string> Warnings => Holdout is null ? Seq<string>() : RunTools.Evaluation.Holdout.Notes(Holdout);
}

/// <summary>What the predict stage's body produced: the files it wrote (relative to the run, its outputs), the events
/// its completion adds (the held-out metrics) and the held-out evaluation (null when the predictions were not
/// evaluated).</summary>
public sealed record InferenceScores(Seq<string> Files, Seq<RunEvent> OnSuccess, HoldoutEvaluation? Holdout);

public static class InferenceWorkflow
{
    public static Fin<InferencePlan> Plan(InferenceRequest request) =>
        from _ in request.OutputPath is { } output && File.Exists(output) && !request.Force
            ? FinFail<Unit>(new OutputExists(output))
            : FinSucc(unit)
        from training in RunStore.Read(request.TrainingRun)
        from modelDirectory in ModelDirectory(training, request.Stage, request.Model)
        from bundle in LoadBundle(training, modelDirectory)
        from input in TableFiles.Read(request.InputFull)
        from features in CheckSchema(bundle.Bundle, input, request.InputGiven)
        let idColumn = ConfigRead.OptionalString(training.Config, "data.id").Match(o => o.ToNullable(), _ => null)
        let keys = OutputColumns.Keys(input, idColumn)
        from holdout in HoldoutLabelsOf(request, training, bundle.Bundle, input)
        let used = bundle.Features.Concat(idColumn is null ? Seq<string>() : Seq1(idColumn)).Concat(holdout.Map(h => h.Column))
        let ignored = input.Columns.Map(c => c.Name).Filter(n => !used.Exists(u => string.Equals(u, n, StringComparison.OrdinalIgnoreCase)))
        let label = holdout.Filter(h => h.Evaluable).Map(h => h.Column).MatchUnsafe(c => c, () => (string?)null)
        from runPlan in RunFactory.Plan(RunRequest(request, training, modelDirectory, bundle.Features, idColumn, label))
        select new InferencePlan(request, training, bundle.Bundle, modelDirectory, input, features, keys, ignored,
            runPlan with { Created = runPlan.Created with { Lineage = runPlan.Created.Lineage.Concat(ModelLineage(training, modelDirectory)) } },
            holdout.MatchUnsafe(h => h, () => (HoldoutLabels?)null));

    /// <summary>The data's label column read against the model's labels: when evaluation is asked for and the data has
    /// the training run's label column (its <c>data.label</c>). Otherwise none, and the column (if any) is ignored.</summary>
    static Fin<Option<HoldoutLabels>> HoldoutLabelsOf(InferenceRequest request, RunManifest training, ModelBundle bundle, Table input) =>
        request.Evaluate && training.Label is { } label && input.Column(label).Case is Column column
            ? ColumnRoles.Label(column, request.InputGiven).Bind(source => Holdout.Labels(bundle.Labels, source)).Map(Some)
            : FinSucc(Option<HoldoutLabels>.None);

    /// <summary>models/&lt;model&gt;/ of the training stage; the production model unless a fold is named.</summary>
    static Fin<string> ModelDirectory(RunManifest training, string stage, string model)
    {
        var layout = RunLayout.Training(stage);
        if (training.Artifacts.Exists(a => a.Path == layout.ModelJson(model))) return layout.Model(model);
        return FinFail<string>(new ModelNotFound(training.Name, model, Models(training, stage).Map(m => m.Model)));
    }

    /// <summary>The models a training stage saved (the names -Model takes: "production", "r0_f2", ...), each with the
    /// artifact of its model.json, in the order they were registered.</summary>
    public static Seq<(string Model, Artifact ModelFile)> Models(RunManifest training, string stage)
    {
        var layout = RunLayout.Training(stage);
        return training.Artifacts.Choose(a => Optional(layout.ModelOf(a.Path)).Map(model => (model, a)));
    }

    /// <summary>Reads the bundle, checking every file against the hash the training run recorded.</summary>
    static Fin<(ModelBundle Bundle, Seq<string> Features)> LoadBundle(RunManifest training, string directory)
    {
        Fin<byte[]> Read(string relative)
        {
            var full = Path.Combine(training.Path!, relative);
            var recorded = training.Artifacts.Find(a => a.Path == relative);
            if (!File.Exists(full)) return FinFail<byte[]>(new RunCorrupted(full, "a model file is missing"));
            var bytes = File.ReadAllBytes(full);
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            return recorded.Match(
                Some: a => a.Sha256 == sha ? FinSucc(bytes) : FinFail<byte[]>(new RunCorrupted(full, "the model file does not match the hash the training run recorded")),
                None: () => FinFail<byte[]>(new RunCorrupted(full, "the model file is not registered in the training run")));
        }
        var modelJson = $"{directory}/{TrainingLayout.ModelFile}";
        return Read(modelJson).Bind(json =>
            BundleJson.Decode(System.Text.Encoding.UTF8.GetString(json), modelJson, file => Read($"{directory}/{file}")));
    }

    /// <summary>Every feature the model was trained on must be a column of the input, numeric where the model
    /// expects numbers; all problems are reported together, a text column where a number is expected with its first
    /// value that is not a number and that value's data row (<see cref="NonNumericCell"/>). Categorical features
    /// accept any column (as text).</summary>
    public static Fin<Seq<FeatureSource>> CheckSchema(ModelBundle bundle, Table input, string path)
    {
        var problems = bundle.Encoder.Features.Map(f => (Feature: f, Column: input.Column(f.Name)));
        var missing = problems.Filter(p => p.Column.IsNone).Map(p => p.Feature.Name);
        var mistyped = problems
            .Filter(p => p.Column.IsSome && p.Feature is NumericEncoding && ((Column)p.Column).Kind is not (ColumnKind.Number or ColumnKind.Integer or ColumnKind.Boolean))
            .Map(p => NonNumericCell.First(p.Feature.Name, ColumnRoles.Texts((Column)p.Column).ToImmutableArray(), ColumnRoles.TypeName((Column)p.Column)));
        if (!missing.IsEmpty || !mistyped.IsEmpty) return FinFail<Seq<FeatureSource>>(new InputSchemaMismatch(path, missing, mistyped));
        return problems.Map(p => p.Feature is OneHotEncoding && (Column)p.Column is not UnsupportedColumn
            ? FinSucc((FeatureSource)new CategoricalSource(p.Feature.Name, DataSets.Texts((Column)p.Column).ToImmutableArray()))
            : ColumnRoles.Feature((Column)p.Column, path)).Sequence();
    }

    /// <param name="label">The label column the predictions are evaluated against, recorded as the run's <c>data.label</c>.</param>
    static NewRunRequest RunRequest(InferenceRequest request, RunManifest training, string modelDirectory, Seq<string> features, string? idColumn, string? label)
    {
        var overrides = Seq(
                ("inference.training_run", (ConfigValue)new ConfigString(training.RunId.ToString())),
                ("inference.training_run_name", new ConfigString(training.Name)),
                ("inference.model", new ConfigString(modelDirectory)),
                ("data.features", new ConfigList(features.Map(f => (ConfigValue)new ConfigString(f)))))
            .Concat(idColumn is null ? Seq<(string, ConfigValue)>() : Seq1(("data.id", (ConfigValue)new ConfigString(idColumn))))
            .Concat(label is null ? Seq<(string, ConfigValue)>() : Seq1(("data.label", (ConfigValue)new ConfigString(label))))
            .Map(kv => ConfigOverrides.Of(kv.Item1, kv.Item2, InputLimits.Ceiling)) // values RunTools made, from a checked run
            .Sequence()
            .Match(o => o, e => throw new InvalidOperationException(e.Message));
        return new NewRunRequest(
            request.Root ?? Path.GetDirectoryName(training.Path!)!,
            request.Key ?? $"{training.Key}-inference",
            Seq<(string, string)>(),
            overrides,
            Seq1((request.InputGiven, request.InputFull)),
            Seq<string>(),
            Seq1(training.Path!),
            request.WorkingDirectory,
            request.PowerShellVersion);
    }

    /// <summary>Lineage of an inference: the training run (upstream) and each model file with its hash.</summary>
    static Seq<LineageRef> ModelLineage(RunManifest training, string modelDirectory) =>
        training.Artifacts.Filter(a => a.Path.StartsWith(modelDirectory + "/", StringComparison.Ordinal))
            .Map(a => new LineageRef(training.RunId, training.Name, Lineage.Model, a.Stage, a.Path, a.Sha256, training.ChainHead, training.EventCount) { Directory = training.Path });

    /// <summary>Creates the inference run and scores in its 'predict' stage (through the stage driver, so Ctrl+C
    /// cancels it and it shows progress), which writes the predictions inside the run and to the output path (both
    /// atomically), and the held-out metrics when the plan evaluates; the run is then completed. Anything that goes
    /// wrong after the run exists fails the stage and so the run: it is never left running. The caller has confirmed
    /// the whole (creating the run and scoring).</summary>
    /// <returns>The outcome; <c>Stopped</c> (and no outcome) when the caller was stopped (the stage and run are
    /// recorded as cancelled).</returns>
    public static Fin<(bool Stopped, InferenceOutcome? Outcome)> Execute(InferencePlan plan, IStageHost host)
    {
        var created = RunFactory.Execute(plan.Run);
        if (created.IsFail) return created.Map(_ => (false, (InferenceOutcome?)null));
        var run = ((RunManifest)created).Path!;
        // The input was hashed when the run was planned (its manifest records it): not read again to start the stage.
        var input = ((RunManifest)created).Inputs.Find(i => i.FullPath == plan.Request.InputFull).Map(i => (i.FullPath, new FileHash(i.FullPath, i.Sha256, i.Bytes)));
        var spec = new StageSpec(RunLayout.InferenceStage, Seq<string>(), Seq1(plan.Request.InputFull), plan.Outputs, false, $"builtin:predict model={plan.ModelDirectory}",
            input.ToSeq()) { NoReuse = true };
        HoldoutEvaluation? holdout = null;
        var body = new WorkerBody((attempt, report, cancel) => Score(plan, attempt.RunDirectory, report.Progress, cancel).Match(
            Succ: scores =>
            {
                holdout = scores.Holdout;
                return new StageBodyResult(new StageSucceeded(), scores.Files, scores.OnSuccess);
            },
            Fail: e => StageBodyResult.Of(new StageErrored(e as RunError ?? new StorageFailed(RunLayout.InferencePredictions, "write", e.Message), "WriteFailed"))));
        return StageDriver.Run(new StageJob(run, spec, "Score", body, Confirmed: true), host) switch
        {
            StageRun.Finished => RunOperations.SetStatus(run, RunStatus.Completed, $"scored {plan.Input.RowCount} rows with {plan.Training.Name}/{plan.ModelDirectory}")
                .Map(completed => (false, (InferenceOutcome?)new InferenceOutcome(completed, plan.Input.RowCount, Path.Combine(run, RunLayout.InferencePredictions),
                    plan.Request.OutputPath, holdout))),
            StageRun.Failed failed => FinFail<(bool, InferenceOutcome?)>(failed.Error),
            StageRun.Cancelled => FinSucc((true, (InferenceOutcome?)null)),
            var other => FinFail<(bool, InferenceOutcome?)>(new StorageFailed(run, "score", $"the new run's stage '{RunLayout.InferenceStage}' did not run ({other.GetType().Name})")),
        };
    }

    /// <summary>The predict stage's body: scores every row with the model and writes <c>predictions.parquet</c> in the
    /// run (with the label, when evaluating) and at the output path. When the plan evaluates, it computes the training's
    /// metric set on the rows with a label (<see cref="Holdout.Evaluate"/>), writes <c>metrics/holdout.parquet</c>, and
    /// returns the <c>holdout/&lt;metric&gt;</c> metric events for the stage's completion. Nothing is decided here that
    /// the plan did not decide.</summary>
    /// <param name="progress">Told how far it is (percent, status).</param>
    /// <param name="cancel">Checked once the rows are scored, before anything is written.</param>
    public static Fin<InferenceScores> Score(InferencePlan plan, string runDirectory, Action<int, string>? progress = null, CancellationToken cancel = default)
    {
        progress?.Invoke(0, $"scoring {plan.Input.RowCount} rows");
        var rows = Enumerable.Range(0, plan.Input.RowCount).ToArray();
        var predictions = Scorer.Score(plan.Bundle, plan.Features, rows);
        cancel.ThrowIfCancellationRequested();
        progress?.Invoke(60, "writing predictions");
        var labels = plan.Evaluates ? plan.Holdout : null;
        var table = TrainingWorkflow.PredictionColumns(plan.Bundle.Task, plan.Bundle.Labels, toSeq(rows), plan.RowKeys, _ => predictions,
            r => r, _ => plan.Bundle.Conformal, labels is null ? null : r => labels.Texts[r], Seq<Column>());
        return from _ in TableFiles.WriteParquet(Path.Combine(runDirectory, RunLayout.InferencePredictions), table)
               from evaluation in labels is null
                   ? FinSucc(Option<HoldoutEvaluation>.None)
                   : Holdout.Evaluate(labels, predictions.Scores, predictions.Probabilities).Map(Some)
               from events in evaluation.Match(
                   e => from __ in WriteHoldoutTable(runDirectory, Holdout.MetricTable(e, plan.ModelDirectory))
                        from metrics in RunCommands.WriteMetrics(Holdout.MetricPoints(e, RunLayout.InferenceStage), Clock.Now)
                        select metrics,
                   () => FinSucc(Seq<RunEvent>()))
               from ___ in CopyOut(plan, runDirectory, table)
               select new InferenceScores(plan.Outputs, events, evaluation.MatchUnsafe(e => e, () => (HoldoutEvaluation?)null));
    }

    static Fin<Unit> WriteHoldoutTable(string runDirectory, Table table)
    {
        var path = Path.Combine(runDirectory, Holdout.TablePath);
        return FileWrites.Try(path, "write", () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return TableFiles.WriteParquet(path, table);
        });
    }

    /// <summary>The predictions at the output path too: Parquet, or CSV when the path ends in .csv/.tsv.</summary>
    static Fin<Unit> CopyOut(InferencePlan plan, string run, Table table)
    {
        if (plan.Request.OutputPath is not { } output) return unit;
        var extension = Path.GetExtension(output).ToLowerInvariant();
        return extension is ".csv" or ".tsv"
            ? TableFiles.WriteCsv(output, table)
            : FileWrites.Try(output, "write", () => AtomicFile.CopyWithHash(Path.Combine(run, RunLayout.InferencePredictions), output, overwrite: true));
    }
}
