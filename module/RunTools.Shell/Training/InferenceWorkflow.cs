using System.Collections.Immutable;
using System.Globalization;
using RunTools.Config;
using RunTools.Domain;
using RunTools.MachineLearning;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Tables;
using RunTools.Stages;
using RunTools.Tables;
using RunTools.Training;

namespace RunTools.Shell.Training;

/// <summary>What Invoke-RunInference was asked for, paths already resolved.</summary>
/// <param name="Model">"production" or a fold id such as "r0_f2" (with "_smote" for the SMOTE variant).</param>
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
    string PowerShellVersion);

/// <summary>An inference ready to run: the model, the checked input, and the run to record it in.</summary>
public sealed record InferencePlan(
    InferenceRequest Request,
    RunManifest Training,
    ModelBundle Bundle,
    string ModelDirectory,
    Table Input,
    Seq<FeatureSource> Features,
    Seq<string> RowKeys,
    Seq<string> IgnoredColumns,
    NewRunPlan Run);

public sealed record InferenceOutcome(RunManifest Run, int Rows, string Predictions, string? OutputPath);

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
        let keys = idColumn is not null && input.Column(idColumn).IsSome
            ? toSeq(DataSets.Texts((Column)input.Column(idColumn)).Select((k, i) => k ?? i.ToString(CultureInfo.InvariantCulture)).ToArray())
            : toSeq(Enumerable.Range(0, input.RowCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray())
        let used = bundle.Features.Concat(idColumn is null ? Seq<string>() : Seq1(idColumn))
        let ignored = input.Columns.Map(c => c.Name).Filter(n => !used.Exists(u => string.Equals(u, n, StringComparison.OrdinalIgnoreCase)))
        from runPlan in RunFactory.Plan(RunRequest(request, training, modelDirectory, bundle.Features, idColumn))
        select new InferencePlan(request, training, bundle.Bundle, modelDirectory, input, features, keys, ignored,
            runPlan with { Created = runPlan.Created with { Lineage = runPlan.Created.Lineage.Concat(ModelLineage(training, modelDirectory)) } });

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
    /// expects numbers; all problems are reported together. Categorical features accept any column (as text).</summary>
    public static Fin<Seq<FeatureSource>> CheckSchema(ModelBundle bundle, Table input, string path)
    {
        var problems = bundle.Encoder.Features.Map(f => (Feature: f, Column: input.Column(f.Name)));
        var missing = problems.Filter(p => p.Column.IsNone).Map(p => p.Feature.Name);
        var mistyped = problems
            .Filter(p => p.Column.IsSome && p.Feature is NumericEncoding && ((Column)p.Column).Kind == ColumnKind.Text)
            .Map(p => p.Feature.Name);
        if (!missing.IsEmpty || !mistyped.IsEmpty) return FinFail<Seq<FeatureSource>>(new InputSchemaMismatch(path, missing, mistyped));
        return problems.Map(p => p.Feature is OneHotEncoding
            ? (FeatureSource)new CategoricalSource(p.Feature.Name, DataSets.Texts((Column)p.Column).ToImmutableArray())
            : DataSets.Source((Column)p.Column)).Strict();
    }

    static NewRunRequest RunRequest(InferenceRequest request, RunManifest training, string modelDirectory, Seq<string> features, string? idColumn)
    {
        var overrides = Seq(
                ("inference.training_run", (ConfigValue)new ConfigString(training.RunId.ToString())),
                ("inference.training_run_name", new ConfigString(training.Name)),
                ("inference.model", new ConfigString(modelDirectory)),
                ("data.features", new ConfigList(features.Map(f => (ConfigValue)new ConfigString(f)))))
            .Concat(idColumn is null ? Seq<(string, ConfigValue)>() : Seq1(("data.id", (ConfigValue)new ConfigString(idColumn))))
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
            .Map(a => new LineageRef(training.RunId, training.Name, "model", a.Stage, a.Path, a.Sha256, training.ChainHead, training.EventCount));

    /// <summary>Creates the inference run and scores in its 'predict' stage, which writes the predictions inside the
    /// run and to the output path (both atomically); the run is then completed. Anything that goes wrong after the
    /// run exists fails the stage and so the run: it is never left running.</summary>
    public static Fin<InferenceOutcome> Execute(InferencePlan plan) =>
        from created in RunFactory.Execute(plan.Run)
        let run = created.Path!
        // The input was hashed when the run was planned (its manifest records it): not read again to start the stage.
        let input = created.Inputs.Find(i => i.FullPath == plan.Request.InputFull).Map(i => (i.FullPath, new FileHash(i.FullPath, i.Sha256, i.Bytes)))
        let spec = new StageSpec(RunLayout.InferenceStage, Seq<string>(), Seq1(plan.Request.InputFull), Seq1(RunLayout.InferencePredictions), false, $"builtin:predict model={plan.ModelDirectory}",
            input.ToSeq())
        from begun in StageRunner.Begin(run, spec)
        from attempt in begun.Match(Right: a => FinSucc(a), Left: _ => FinFail<StageAttempt>(new StorageFailed(run, "start stage", "the new run already has predictions")))
        from finished in StageRunner.Finish(attempt, Score(plan, attempt))
        from _ in finished.Error is { } error ? FinFail<Unit>(error) : FinSucc(unit)
        from completed in RunOperations.SetStatus(run, RunStatus.Completed, $"scored {plan.Input.RowCount} rows with {plan.Training.Name}/{plan.ModelDirectory}")
        select new InferenceOutcome(completed, plan.Input.RowCount, Path.Combine(run, RunLayout.InferencePredictions), plan.Request.OutputPath);

    static StageOutcome Score(InferencePlan plan, StageAttempt attempt)
    {
        try
        {
            var rows = Enumerable.Range(0, plan.Input.RowCount).ToArray();
            var predictions = Scorer.Score(plan.Bundle, plan.Features, rows);
            var table = TrainingWorkflow.PredictionColumns(plan.Bundle.Task, plan.Bundle.Labels, toSeq(rows), r => plan.RowKeys[r], _ => predictions,
                r => r, _ => plan.Bundle.Conformal, null, Seq<Column>());
            return (from _ in TableFiles.WriteParquet(Path.Combine(attempt.RunDirectory, RunLayout.InferencePredictions), table)
                    from __ in CopyOut(plan, attempt.RunDirectory, table)
                    select unit)
                .Match<StageOutcome>(_ => new StageSucceeded(), e => new StageErrored(e as RunError ?? new StorageFailed(RunLayout.InferencePredictions, "write", e.Message), "WriteFailed"));
        }
        catch (Exception e)
        {
            return new StageErrored(new UnexpectedFailure($"Stage '{RunLayout.InferenceStage}'", e.GetType().Name, e.Message), e.GetType().Name);
        }
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
