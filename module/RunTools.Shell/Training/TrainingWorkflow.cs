using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Folds;
using RunTools.MachineLearning;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Stages;
using RunTools.Stages;
using RunTools.Shell.Store;
using RunTools.Tables;
using RunTools.Shell.Tables;
using RunTools.Training;

namespace RunTools.Shell.Training;

/// <summary>Everything a training stage needs, read and checked before the stage starts.</summary>
/// <param name="PlanContentHash">The content hash of the fold plan as read and checked (see FoldPlanFiles.Check).</param>
/// <param name="PlanFile">The hash of the plan's Parquet file, taken when it was read.</param>
public sealed record TrainingSetup(RunManifest Manifest, DataSet Data, TrainingSpec Spec, TrainingInput Input, string PlanName, string PlanContentHash,
    FileHash PlanFile, int RejectedRows);

/// <summary>The files of a finished training, relative to the run.</summary>
public sealed record TrainingFiles(Seq<string> Written, string Predictions, string SummaryMetrics, string? ProductionModel, TrainingSummary Summary);

/// <summary>The training stage: nested cross-validation from the run's config, fold plan and data.</summary>
public static class TrainingWorkflow
{
    /// <summary>The stage as the driver sees it, known without reading the data: after the fold plan's stage, reading
    /// the data file and the plan's files, its command naming the plan, and the config's <c>training</c> and
    /// <c>data</c> sections as the keys it reads (a change to them trains again, and says so). A training that is
    /// skipped or reused costs no read of the data; it is prepared (<see cref="Prepare"/>) only when it runs.</summary>
    public static Fin<StageSpec> Spec(RunManifest manifest, string planName, string stage, bool force) =>
        from keys in ConfigSections.CheckKeys(manifest.Config)
        from _ in manifest.FoldPlan(planName) is null ? FinFail<Unit>(new FoldPlanNotFound(planName, manifest.Path!)) : FinSucc(unit)
        from input in DataSets.ChooseInput(manifest)
        select SpecOf(manifest, planName, input.FullPath, stage, force);

    static StageSpec SpecOf(RunManifest manifest, string planName, string data, string stage, bool force) =>
        new(stage, manifest.FoldPlan(planName)?.Stage is { } planStage ? Seq1(planStage) : Seq<string>(),
            Seq1(data).Concat(RunLayout.FoldPlan(planName).Files), Seq<string>(), force, $"builtin:train plan={planName}")
        {
            ConfigKeys = Seq("training", "data"),
        };

    /// <summary>The production model a training stage registered (its model.json), if its fold plan had a production
    /// fold; with both SMOTE variants, the first registered.</summary>
    public static string? ProductionModel(RunManifest manifest, string stage)
    {
        var layout = RunLayout.Training(stage);
        return manifest.Artifacts.Find(a => a.Stage == stage && layout.ModelOf(a.Path) is { } model && FoldId.Parse(model).Exists(f => f.IsProduction))
            .Map(a => a.Path).MatchUnsafe(p => p, () => null);
    }

    /// <summary>
    /// Reads and checks everything the training needs, before its stage starts; the real run and -WhatIf both come
    /// here, so a training that cannot run is reported by either and never recorded as started and failed. Where the
    /// checks are independent every problem is reported: the <c>training</c> settings with the data's roles, the label
    /// with the parent label, and the settings against the plan and the data (<see cref="TrainingChecks"/>).
    /// </summary>
    public static Fin<TrainingSetup> Prepare(RunManifest manifest, string planName)
    {
        // The plan's files are read on another core while the data file is read.
        var planFiles = Task.Run(() => FoldPlanFiles.ReadFiles(manifest.Path!, planName));
        try
        {
            return from settings in (TrainingSpecs.Read(manifest.Config), DataSchema.Read(manifest.Config, manifest.Inputs).Bind(LabelNamed))
                       .Apply((spec, schema) => (spec, schema)).ToFin()
                   let spec = settings.spec
                   from data in DataSets.Load(manifest, settings.schema)
                   from labelSource in Optional(data.Label).ToFin(LabelMissing)
                   from encoded in (Labels.Encode(spec.Task, labelSource, spec.PositiveClass, LabelKindOf(data, labelSource.Name)).ToValidation(), Parent(spec, data))
                       .Apply((labels, parent) => (labels, parent)).ToFin()
                   from files in planFiles.GetAwaiter().GetResult()
                   // DataSets.Load has checked the data file against the hash New-Run recorded.
                   from stored in FoldPlanFiles.Check(files, data.RowKeys, RecordedPlan(manifest, planName))
                   let features = data.Features.Filter(f => f.Name != spec.Parent)
                   from input in TrainingChecks.Check(new TrainingInput(spec, features, encoded.labels, encoded.parent.ToNullable(), stored.Plan)).ToFin()
                   select new TrainingSetup(manifest, data, spec, input, planName, stored.ContentHash, files.ParquetHash, encoded.labels.RejectedRows.Count);
        }
        finally
        {
            // When an earlier step failed, the plan was not needed (nor is its error): still, nothing is left running
            // behind the caller.
            if (!planFiles.IsCompleted) ((Task)planFiles).ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }
    }

    static readonly ConfigValueInvalid LabelMissing = new("data.label", "training needs the label column: set data.label in the config");

    static Validation<Error, DataSchema> LabelNamed(DataSchema schema) =>
        schema.Label is null ? Fail<Error, DataSchema>(LabelMissing) : Success<Error, DataSchema>(schema);

    /// <summary>Hierarchical mode: the level-1 label (training.parent), encoded as a multiclass label.</summary>
    static Validation<Error, Option<EncodedLabels>> Parent(TrainingSpec spec, DataSet data) =>
        spec.Mode == TrainingMode.Hierarchical
            ? DataSets.Source(data.Table, spec.Parent!, data.Input.Path).Bind(p => Labels.Encode(TrainingTask.Multiclass, p, null, LabelKindOf(data, p.Name))).Map(Some).ToValidation()
            : Success<Error, Option<EncodedLabels>>(None);

    /// <summary>The type of a label column, which the label and prediction columns of the training's tables (and of
    /// its models' inferences) keep.</summary>
    static LabelKind LabelKindOf(DataSet data, string column) =>
        data.Table.Column(column).Map(c => LabelValues.KindOf(c.Kind)).IfNone(LabelKind.Text);

    /// <summary>What the stage that made the plan recorded: its Parquet file's SHA-256 and the plan's content hash.</summary>
    static (string FileSha256, string ContentHash)? RecordedPlan(RunManifest manifest, string planName) =>
        manifest.FoldPlan(planName) is { Stage: { } stage } plan && manifest.Stage(stage) is { Status: StageStatus.Completed } made
            && made.Outputs.Find(o => o.Path == plan.Path).Case is FileHash file
            ? (file.Sha256, plan.ContentHash)
            : null;

    /// <summary>The stage's body: the training, then its summary metrics as the run's metrics on success. Files it wrote
    /// before failing are kept and registered (<see cref="WrittenSoFar"/>).</summary>
    public static WorkerBody Body(TrainingSetup setup) => new((attempt, report, cancel) =>
    {
        if (setup.RejectedRows > 0) report.Note($"{setup.RejectedRows} rows have no label and are left out of training");
        return (from files in Run(attempt, setup, p => report.Progress(p.Percent, p.Status), report.Note, cancel)
                from metrics in RunCommands.WriteMetrics(SummaryMetrics(files.Summary, setup.Spec, attempt.Stage), Clock.Now)
                select new StageBodyResult(new StageSucceeded(), files.Written, metrics))
            .Match(
                Succ: result => result,
                Fail: e => StageBodyResult.Of(new StageErrored(e as RunError ?? new UnexpectedFailure($"Stage '{attempt.Stage}'", e.GetType().Name, e.Message),
                    e is RunError r ? r.ErrorId : e.GetType().Name)));
    }, WrittenSoFar);

    /// <summary>After a failure: the files this stage had already written in the folders a training writes to (its own
    /// folder for a training stage other than the default one, so another training's files are never claimed). Not
    /// folds/: that is the fold-plan stages' (whose two files are each written atomically, so they leave nothing
    /// partial behind).</summary>
    public static Seq<string> WrittenSoFar(StageAttempt attempt) =>
        toSeq(RunLayout.Training(attempt.Stage).Folders
            .Select(d => Path.Combine(attempt.RunDirectory, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !Path.GetFileName(f).StartsWith('.') && File.GetLastWriteTimeUtc(f) >= attempt.Manifest.Stage(attempt.Stage)!.StartedAt.UtcDateTime)
            .Select(f => Path.GetRelativePath(attempt.RunDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray());

    /// <summary>Runs the training and writes its files as each fold finishes, so a failed or cancelled training
    /// keeps the folds it completed. A file that cannot be written fails the training with its error.</summary>
    public static Fin<TrainingFiles> Run(StageAttempt attempt, TrainingSetup setup, Action<TrainingProgress> progress, Action<string> note, CancellationToken cancel)
    {
        try
        {
            return Train(attempt, setup, progress, note, cancel);
        }
        catch (WriteFailed e)
        {
            return FinFail<TrainingFiles>(e.Error);
        }
    }

    static Fin<TrainingFiles> Train(StageAttempt attempt, TrainingSetup setup, Action<TrainingProgress> progress, Action<string> note, CancellationToken cancel)
    {
        var run = attempt.RunDirectory;
        var layout = RunLayout.Training(attempt.Stage);
        var written = new List<string>();
        var folds = new List<FoldOutcome>();
        var clock = Stopwatch.StartNew();
        var keys = setup.Data.Keys();

        void Save(string relative, Action<string> write)
        {
            write(Path.Combine(run, relative));
            written.Add(relative);
        }

        void OnFold(FoldOutcome outcome)
        {
            folds.Add(outcome);
            var id = IdOf(outcome).ToString();
            foreach (var (file, bytes) in ModelFiles(outcome.Model, setup.Input.Features.Map(f => f.Name)))
                Save(layout.ModelPart(id, file), p => AtomicFile.WriteBytes(p, bytes));
            if (!outcome.Inner.IsEmpty) Save(layout.Inner(id), p => Check(TableFiles.WriteParquet(p, InnerTable(outcome.Inner, setup.Spec.Candidates))));
            if (!outcome.Residuals.IsEmpty) Save(layout.Conformal(id), p => Check(TableFiles.WriteParquet(p, ResidualTable(outcome, keys))));
            if (!outcome.Smote.IsEmpty) Save(layout.Smote(id), p => Check(TableFiles.WriteParquet(p, SmoteTable(outcome, keys))));
            note(outcome.Outer < 0
                ? $"production model ({outcome.Variant}) fitted on {outcome.TrainRows} rows in {outcome.Elapsed.TotalSeconds:0.0} s"
                : $"repeat {outcome.Repeat + 1} outer fold {outcome.Outer + 1} ({outcome.Variant}): " +
                  string.Join(", ", outcome.Metrics.Map((k, v) => $"{k} {v.ToString("0.####", CultureInfo.InvariantCulture)}").Values));
        }

        return new NestedCrossValidation(setup.Input, OnFold, progress, cancel).Run().Map(summary =>
        {
            var evaluated = toSeq(folds).Filter(f => f.Outer >= 0);
            Save(layout.Predictions, p => Check(TableFiles.WriteParquet(p, PredictionTable(setup, keys, evaluated))));
            Save(layout.FoldMetrics, p => Check(TableFiles.WriteParquet(p, FoldMetricTable(evaluated))));
            Save(layout.SummaryMetrics, p => Check(TableFiles.WriteParquet(p, SummaryTable(summary))));
            Save(layout.BestModels, p => AtomicFile.WriteText(p, BestModelsJson(folds)));
            Save(layout.Settings, p => AtomicFile.WriteText(p, TrainingJson(setup, summary, clock.Elapsed)));
            var production = folds.Find(f => f.Outer < 0) is { } prod ? layout.ModelJson(IdOf(prod).ToString()) : null;
            return new TrainingFiles(toSeq(written), layout.Predictions, layout.SummaryMetrics, production, summary);
        });
    }

    /// <summary>The summary metrics as metric events: <c>cv/&lt;metric&gt;</c> (mean over outer folds) and
    /// <c>cv/&lt;metric&gt;/sd</c>, <c>/lower95</c>, <c>/upper95</c>; with both SMOTE variants, <c>cv/&lt;variant&gt;/...</c>
    /// (see <see cref="CvMetricName"/>).</summary>
    public static Seq<MetricPoint> SummaryMetrics(TrainingSummary summary, TrainingSpec spec, string stage) =>
        summary.Metrics.Bind(m =>
        {
            var variant = spec.Variants.Count > 1 ? m.Variant : null;
            return Seq(
                    (SummaryStatistic.Mean, m.Stats.Mean), (SummaryStatistic.Sd, m.Stats.Sd),
                    (SummaryStatistic.Lower95, m.Stats.Lower95), (SummaryStatistic.Upper95, m.Stats.Upper95))
                .Filter(p => double.IsFinite(p.Item2))
                .Map(p => new MetricPoint(new CvMetricName(stage, variant, m.Metric, p.Item1).ToString(), p.Item2, null, stage));
        });

    /// <summary>The id of the fold an outcome is of (<c>r0_f2</c>, <c>production</c>, <c>r0_f2_smote</c>).</summary>
    static FoldId IdOf(FoldOutcome outcome) => outcome.Outer < 0 ? FoldId.Production(outcome.Variant) : new FoldId(outcome.Repeat, outcome.Outer, outcome.Variant);

    public static Seq<(string File, byte[] Bytes)> ModelFiles(ModelBundle bundle, Seq<string> features) =>
        Seq1((TrainingLayout.ModelFile, System.Text.Encoding.UTF8.GetBytes(BundleJson.Encode(bundle, features))))
            .Concat(BundleJson.Files(bundle).Filter(x => x.Part.Bytes.Length > 0).Map(x => (x.File, x.Part.Bytes)));

    static void Check(Fin<Unit> result) => result.IfFail(e => throw new WriteFailed(e as RunError ?? new StorageFailed("", "write", e.Message)));

    /// <summary>A file of the training could not be written: unwinds the engine (whose fold callback writes) to
    /// <see cref="Run"/>, which returns the error.</summary>
    sealed class WriteFailed(RunError error) : Exception(error.Message)
    {
        public RunError Error { get; } = error;
    }

    static Table Build(params Column[] columns) => Table.Create(columns).Match(t => t, e => throw new InvalidOperationException(e.Message));

    static ImmutableArray<long?> Ints(IEnumerable<int> values) => values.Select(v => (long?)v).ToImmutableArray();

    static ImmutableArray<string?> Texts(IEnumerable<string?> values) => values.ToImmutableArray();

    static ImmutableArray<double> Numbers(IEnumerable<double> values) => values.ToImmutableArray();

    /// <summary>The inner-CV scores of a fold: one row per (part, candidate, inner fold), with the candidate's id, its
    /// trainer and its hyperparameters both as display text (<c>parameters</c>) and each as its own typed column named
    /// as scikit-learn's <c>cv_results_</c> names them (<c>param_&lt;name&gt;</c>: int64 for a parameter that counts,
    /// double otherwise; null where the candidate's trainer does not have it), then one column per metric. The
    /// parameter columns are those of every candidate of the training, so every fold's table has the same columns.</summary>
    static Table InnerTable(Seq<InnerScore> scores, Seq<Candidate> candidates)
    {
        var metricNames = scores.Bind(s => s.Metrics.Keys.ToSeq()).Distinct();
        var byId = candidates.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Candidate? Of(InnerScore s) => byId.GetValueOrDefault(s.Candidate);
        var columns = new List<Column>
        {
            new IntegerColumn("repeat", Ints(scores.Map(s => s.Repeat))),
            new IntegerColumn("outer_fold", Ints(scores.Map(s => s.Outer))),
            new IntegerColumn("inner_fold", Ints(scores.Map(s => s.Inner))),
            new TextColumn("variant", Texts(scores.Map(s => s.Variant))),
            new TextColumn("part", Texts(scores.Map(s => s.Part))),
            new TextColumn("candidate", Texts(scores.Map(s => s.Candidate))),
            new TextColumn("trainer", Texts(scores.Map(s => Of(s) is { } c ? TrainerParameters.Name(c.Trainer) : null))),
            new TextColumn("parameters", Texts(scores.Map(s => s.Parameters))),
        };
        foreach (var parameter in candidates.Bind(c => c.Parameters.Keys.ToSeq()).Distinct())
        {
            var name = $"param_{parameter}";
            double? Value(InnerScore s) => Of(s) is { } c && c.Parameters.Find(parameter).Case is double v ? v : null;
            columns.Add(ParameterKinds.IsCount(parameter) && candidates.ForAll(c => c.Parameters.Find(parameter).ForAll(v => v == Math.Round(v) && Math.Abs(v) < 9e15))
                ? new IntegerColumn(name, scores.Map(s => Value(s) is { } v ? (long?)(long)v : null).ToImmutableArray())
                : new NumberColumn(name, Numbers(scores.Map(s => Value(s) ?? double.NaN))));
        }
        columns.Add(new IntegerColumn("train_rows", Ints(scores.Map(s => s.TrainRows))));
        columns.Add(new IntegerColumn("validation_rows", Ints(scores.Map(s => s.ValidationRows))));
        columns.AddRange(metricNames.Map(m => (Column)new NumberColumn(m, Numbers(scores.Map(s => s.Metrics.Find(m).IfNone(double.NaN))))));
        return Build(columns.ToArray());
    }

    static Table ResidualTable(FoldOutcome outcome, Column keys) => Build(
        OutputColumns.Gather(keys, outcome.Residuals.Map(r => r.Row), OutputColumns.RowKey),
        new NumberColumn("actual", Numbers(outcome.Residuals.Map(r => r.Actual))),
        new NumberColumn("predicted", Numbers(outcome.Residuals.Map(r => r.Predicted))),
        new NumberColumn("abs_residual", Numbers(outcome.Residuals.Map(r => Math.Abs(r.Actual - r.Predicted)))),
        new NumberColumn("quantile", Numbers(outcome.Residuals.Map(_ => outcome.Model.Conformal?.Quantile ?? double.NaN))));

    /// <summary>The SMOTE audit trail of a fold's final model: each synthetic row's model part, its class as the label
    /// (in the type of the label column that part predicts: the label, or the parent label for level 1), its two
    /// source rows' keys (both training rows of that class) and its position on the segment between them. In a
    /// one-vs-rest part the class of a synthetic row is either the part's class or the rest of the classes, which is
    /// no single label: <c>label</c> is null there and <c>rest</c> is true.</summary>
    static Table SmoteTable(FoldOutcome outcome, Column keys)
    {
        var bundle = outcome.Model;
        var labels = outcome.Smote.Map(s => SmoteLabel(bundle, s));
        // Level 1 predicts the parent label, the other parts the label: one type when they agree, else text.
        var kinds = outcome.Smote.Map(s => s.Part == "level1" && bundle.Parents is { } parents ? parents.Kind : bundle.Labels.Kind).Distinct();
        return Build(
            new IntegerColumn("synthetic_row", Ints(Enumerable.Range(0, outcome.Smote.Count))),
            new TextColumn("part", Texts(outcome.Smote.Map(s => s.Part))),
            LabelValues.Column("label", kinds.Count == 1 ? kinds.Head : LabelKind.Text, labels.Map(l => l.Label).ToArray()),
            new BooleanColumn("rest", labels.Map(l => (bool?)l.IsRest).ToImmutableArray()),
            OutputColumns.Gather(keys, outcome.Smote.Map(s => s.SourceRow), "source_key"),
            OutputColumns.Gather(keys, outcome.Smote.Map(s => s.NeighbourRow), "neighbour_key"),
            new NumberColumn("gap", Numbers(outcome.Smote.Map(s => s.Gap))));
    }

    /// <summary>The label of a synthetic row's class: the class of the part that made it (a one-vs-rest part's class 1 is
    /// its class, 0 the rest of the classes: no label).</summary>
    static (string? Label, bool IsRest) SmoteLabel(ModelBundle bundle, SmoteOrigin origin)
    {
        if (origin.Part.StartsWith("ovr:", StringComparison.Ordinal))
            return origin.Class == 1 ? (origin.Part["ovr:".Length..], false) : (null, true);
        var classes = origin.Part == "level1" && bundle.Parents is { } parents
            ? parents.Classes
            : bundle.Parts.Find(p => p.Name == origin.Part).Map(p => p.Classes).IfNone(bundle.Labels.Classes);
        return (origin.Class >= 0 && origin.Class < classes.Count ? classes[origin.Class] : null, false);
    }

    /// <summary>Out-of-fold predictions of every outer fold: row key, repeat, fold, variant, label, score (binary:
    /// P(positive); regression: the prediction; multiclass: P(predicted class)), one p_&lt;class&gt; column per class,
    /// the prediction, and for regression the conformal interval.</summary>
    /// <param name="keys">The row key of every data row (<see cref="OutputColumns.Keys(DataSet, string)"/>).</param>
    public static Table PredictionTable(TrainingSetup setup, Column keys, Seq<FoldOutcome> folds) =>
        PredictionColumns(setup.Spec.Task, setup.Input.Labels.Encoding,
            folds.Bind(f => toSeq(f.TestRows.Select((row, i) => (Fold: f, Row: row, Index: i)).ToArray())),
            OutputColumns.Gather(keys, folds.Bind(f => f.TestRows), OutputColumns.RowKey), x => x.Fold.Test, x => x.Index, x => x.Fold.Model.Conformal,
            x => LabelText(setup.Input.Labels, x.Row),
            extra: Seq<Column>(
                new IntegerColumn("repeat", Ints(folds.Bind(f => f.TestRows.Map(_ => f.Repeat)))),
                new IntegerColumn("outer_fold", Ints(folds.Bind(f => f.TestRows.Map(_ => f.Outer)))),
                new TextColumn("variant", Texts(folds.Bind(f => f.TestRows.Map(_ => f.Variant))))));

    static string? LabelText(EncodedLabels labels, int row) =>
        labels.Encoding.Task == TrainingTask.Regression
            ? double.IsNaN(labels.Targets[row]) ? null : labels.Targets[row].ToString("R", CultureInfo.InvariantCulture)
            : labels.Classes[row] < 0 ? null : labels.Encoding.Classes[labels.Classes[row]];

    /// <summary>The prediction columns shared by out-of-fold predictions and inference output: <c>label</c> and
    /// <c>prediction</c> in the label column's type (<see cref="LabelEncoding.Kind"/>; doubles for regression),
    /// scores and probabilities as doubles.</summary>
    /// <param name="keys">The <c>row_key</c> column, one value per row of <paramref name="rows"/>.</param>
    public static Table PredictionColumns<T>(TrainingTask task, LabelEncoding labels, Seq<T> rows, Column keys, Func<T, Predictions> predictions,
        Func<T, int> index, Func<T, ConformalCalibration?> conformal, Func<T, string?>? label, Seq<Column> extra)
    {
        var columns = new List<Column> { keys };
        columns.AddRange(extra);
        var kind = labels.Kind;
        if (label is not null)
        {
            var labelColumn = task == TrainingTask.Regression
                ? new NumberColumn("label", Numbers(rows.Map(r => label(r) is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : double.NaN)))
                : LabelValues.Column("label", kind, rows.Map(label).ToArray());
            // New data may have a label that is no value of the training's label type (a class the model never saw):
            // then the labels are text, and so are the predictions, so that the two still compare.
            if (task != TrainingTask.Regression && labelColumn.Kind == ColumnKind.Text) kind = LabelKind.Text;
            columns.Add(labelColumn);
        }
        switch (task)
        {
            case TrainingTask.Binary:
                columns.Add(new NumberColumn("score", Numbers(rows.Map(r => predictions(r).Scores[index(r)]))));
                columns.Add(LabelValues.Column("prediction", kind, rows.Map(r => (string?)labels.Classes[predictions(r).Scores[index(r)] >= 0.5 ? 1 : 0]).ToArray()));
                break;
            case TrainingTask.Multiclass:
                columns.Add(new NumberColumn("score", Numbers(rows.Map(r => predictions(r).ProbabilitiesOf(index(r))[predictions(r).PredictedClass(index(r))]))));
                for (var c = 0; c < labels.Classes.Count; c++)
                {
                    var cls = c;
                    columns.Add(new NumberColumn($"p_{labels.Classes[c]}", Numbers(rows.Map(r => predictions(r).ProbabilitiesOf(index(r))[cls]))));
                }
                columns.Add(LabelValues.Column("prediction", kind, rows.Map(r => (string?)labels.Classes[predictions(r).PredictedClass(index(r))]).ToArray()));
                break;
            default:
                columns.Add(new NumberColumn("score", Numbers(rows.Map(r => predictions(r).Scores[index(r)]))));
                columns.Add(new NumberColumn("prediction", Numbers(rows.Map(r => predictions(r).Scores[index(r)]))));
                columns.Add(new NumberColumn("lower", Numbers(rows.Map(r => conformal(r) is { } c ? Conformal.Interval(predictions(r).Scores[index(r)], c).Lower : double.NaN))));
                columns.Add(new NumberColumn("upper", Numbers(rows.Map(r => conformal(r) is { } c ? Conformal.Interval(predictions(r).Scores[index(r)], c).Upper : double.NaN))));
                break;
        }
        return Build(columns.ToArray());
    }

    static Table FoldMetricTable(Seq<FoldOutcome> folds)
    {
        var rows = folds.Bind(f => toSeq(f.Metrics.AsEnumerable().Select(kv => (f, metric: kv.Key, value: kv.Value)).ToArray()));
        return Build(
            new IntegerColumn("repeat", Ints(rows.Map(r => r.f.Repeat))),
            new IntegerColumn("outer_fold", Ints(rows.Map(r => r.f.Outer))),
            new TextColumn("variant", Texts(rows.Map(r => r.f.Variant))),
            new TextColumn("metric", Texts(rows.Map(r => r.metric))),
            new NumberColumn("value", Numbers(rows.Map(r => r.value))),
            new IntegerColumn("train_rows", Ints(rows.Map(r => r.f.TrainRows))),
            new IntegerColumn("test_rows", Ints(rows.Map(r => r.f.TestRows.Count))),
            new IntegerColumn("synthetic_rows", Ints(rows.Map(r => r.f.SyntheticRows))),
            new TextColumn("selected", Texts(rows.Map(r => string.Join("; ", r.f.Selected.Map(s => $"{s.Part}: {s.Candidate.Describe()}"))))),
            new NumberColumn("seconds", Numbers(rows.Map(r => r.f.Elapsed.TotalSeconds))));
    }

    static Table SummaryTable(TrainingSummary summary) => Build(
        new TextColumn("variant", Texts(summary.Metrics.Map(m => m.Variant))),
        new TextColumn("metric", Texts(summary.Metrics.Map(m => m.Metric))),
        new IntegerColumn("n", Ints(summary.Metrics.Map(m => m.Stats.N))),
        new NumberColumn("mean", Numbers(summary.Metrics.Map(m => m.Stats.Mean))),
        new NumberColumn("sd", Numbers(summary.Metrics.Map(m => m.Stats.Sd))),
        new NumberColumn("lower95", Numbers(summary.Metrics.Map(m => m.Stats.Lower95))),
        new NumberColumn("upper95", Numbers(summary.Metrics.Map(m => m.Stats.Upper95))));

    static string BestModelsJson(IEnumerable<FoldOutcome> folds) =>
        new JsonArray(folds.Select(f => (JsonNode?)new JsonObject
        {
            ["fold"] = IdOf(f).ToString(),
            ["repeat"] = f.Repeat,
            ["outer_fold"] = f.Outer,
            ["variant"] = f.Variant,
            ["selected"] = new JsonArray(f.Selected.Map(s => (JsonNode?)new JsonObject
            {
                ["part"] = s.Part,
                ["candidate"] = s.Candidate.Id,
                ["trainer"] = TrainerParameters.Name(s.Candidate.Trainer),
                ["parameters"] = new JsonObject(s.Candidate.Parameters.Map((k, v) => new KeyValuePair<string, JsonNode?>(k, v)).Values),
                ["inner_mean"] = InnerMean(f, s.Part, s.Candidate.Id),
            }).ToArray()),
        }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    static JsonNode? InnerMean(FoldOutcome f, string part, string candidate)
    {
        var scores = f.Inner.Filter(s => s.Part == part && s.Candidate == candidate);
        if (scores.IsEmpty) return null;
        var obj = new JsonObject();
        foreach (var name in scores.Head.Metrics.Keys)
        {
            var values = scores.Map(s => s.Metrics.Find(name).IfNone(double.NaN)).Filter(double.IsFinite);
            obj[name] = values.IsEmpty ? null : values.Average();
        }
        return obj;
    }

    static string TrainingJson(TrainingSetup setup, TrainingSummary summary, TimeSpan elapsed)
    {
        var spec = setup.Spec;
        return new JsonObject
        {
            ["task"] = spec.Task.ToString().ToLowerInvariant(),
            ["mode"] = spec.Mode.ToString().ToLowerInvariant(),
            ["metric"] = spec.Metric,
            ["seed"] = spec.Seed,
            ["threads"] = spec.Threads,
            ["smote"] = spec.Smote.ToString().ToLowerInvariant(),
            ["smote_k"] = spec.SmoteK,
            ["conformal_alpha"] = spec.ConformalAlpha,
            ["candidates"] = new JsonArray(spec.Candidates.Map(c => (JsonNode?)c.Describe()).ToArray()),
            ["plan"] = setup.PlanName,
            ["plan_content_sha256"] = setup.PlanContentHash,
            ["data"] = setup.Data.Input.Path,
            ["data_sha256"] = setup.Data.Input.Sha256,
            ["rows"] = setup.Data.Table.RowCount,
            ["rejected_missing_label"] = setup.RejectedRows,
            ["features"] = new JsonArray(setup.Input.Features.Map(f => (JsonNode?)f.Name).ToArray()),
            ["classes"] = new JsonArray(setup.Input.Labels.Encoding.Classes.Map(c => (JsonNode?)c).ToArray()),
            ["missing_values"] = "numeric: replaced by the training rows' mean, plus a <feature>__missing 0/1 input when the training rows had any; categorical: one-hot over the training rows' categories, missing or unseen = all zeros",
            ["seconds"] = elapsed.TotalSeconds,
            ["summary"] = new JsonArray(summary.Metrics.Map(m => (JsonNode?)new JsonObject
            {
                ["variant"] = m.Variant, ["metric"] = m.Metric, ["n"] = m.Stats.N,
                ["mean"] = Finite(m.Stats.Mean), ["sd"] = Finite(m.Stats.Sd), ["lower95"] = Finite(m.Stats.Lower95), ["upper95"] = Finite(m.Stats.Upper95),
            }).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static JsonNode? Finite(double v) => double.IsFinite(v) ? v : null;
    }
}
