using System.Diagnostics;
using Microsoft.ML;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Folds;
using RunTools.Randomness;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>
/// Nested cross-validation. For every repeat and outer fold (and the production fold, Outer = -1, fitted on all rows):
/// each candidate is trained on every inner training fold and scored on its validation fold; the candidate with
/// the best mean inner score is refitted on the whole outer training set and scores the outer test rows. Encoders
/// and SMOTE only ever see training rows. Folds run one after another (the tree trainers already use every core).
/// Each finished fold is handed to <c>onFold</c> at once, so the shell writes it before the next one starts.
/// The input must pass <see cref="TrainingChecks.Check"/> (the shell checks it before the stage starts; <see cref="Run"/>
/// checks again and fits nothing when it does not).
/// </summary>
public sealed class NestedCrossValidation(TrainingInput input, Action<FoldOutcome> onFold, Action<TrainingProgress> onProgress, CancellationToken cancel)
{
    readonly TrainingSpec spec = input.Spec;
    readonly FoldPlan plan = input.Plan;
    // One context saves, loads and scores every model of the training: a fresh one per model would register ML.NET's
    // components again at each load. Fits keep their own seeded contexts (see Ml).
    readonly MLContext codec = new(0);
    int trainedModels;

    /// <summary>The number of model fits the whole training will do, for progress (close, not exact, for meta and
    /// hierarchical modes, where a class or branch may need no model).</summary>
    public int PlannedFits { get; private set; }

    /// <summary>Trains every fold. An input that does not pass <see cref="TrainingChecks.Check"/> fails before any fit,
    /// with every problem; a fault of the core's evaluation functions (a model's scores they refuse) fails the training
    /// with its error. Cancellation is an <see cref="OperationCanceledException"/>, after the current fit.</summary>
    public Fin<TrainingSummary> Run() =>
        TrainingChecks.Check(input).ToFin().Bind(_ =>
        {
            try
            {
                return FinSucc(RunChecked());
            }
            catch (TrainingFailed e)
            {
                return FinFail<TrainingSummary>(e.Error);
            }
        });

    TrainingSummary RunChecked()
    {
        var outers = toSeq(Enumerable.Range(0, plan.Spec.Repeats)).Bind(r => plan.Outer(r)).Concat(plan.Production().ToSeq());
        // Per model part: the inner fits (only when SelectAndFit runs the inner folds) and the final fit.
        var innerCv = spec.Candidates.Count > 1 || spec.Task == TrainingTask.Regression || spec.Mode == TrainingMode.Meta;
        var parts = spec.Mode switch
        {
            TrainingMode.Meta => input.Labels.Encoding.Classes.Count, // one-vs-rest parts; the meta fit is added below
            TrainingMode.Hierarchical => 1 + (input.Parent?.Encoding.Classes.Count ?? 0),
            _ => 1,
        };
        PlannedFits = outers.Sum(o =>
            (parts * ((innerCv ? plan.InnerOf(o.Repeat, o.Outer).Count * Math.Max(1, spec.Candidates.Count) : 0) + 1)
             + (spec.Mode == TrainingMode.Meta ? 1 : 0)) * spec.Variants.Count);
        var outcomes = new List<FoldOutcome>();
        var index = 0;
        foreach (var outer in outers)
        {
            index++;
            foreach (var variant in spec.Variants)
            {
                cancel.ThrowIfCancellationRequested();
                var label = outer.Outer < 0 ? "production model" : $"repeat {outer.Repeat + 1}, outer fold {outer.Outer + 1}";
                onProgress(new TrainingProgress("Training", $"{label} ({index} of {outers.Count}){(spec.Variants.Count > 1 ? $", {variant}" : "")}", Percent()));
                var outcome = Fold(outer, variant);
                outcomes.Add(outcome);
                onFold(outcome);
            }
        }
        var evaluated = toSeq(outcomes).Filter(o => o.Outer >= 0);
        var summary = evaluated.Map(o => o.Variant).Distinct().Bind(variant =>
            evaluated.Filter(o => o.Variant == variant).Bind(o => o.Metrics.Keys.ToSeq()).Distinct().Map(metric =>
                (variant, metric, MetricStats.Summarise(evaluated.Filter(o => o.Variant == variant).Map(o => o.Metrics.Find(metric).IfNone(double.NaN)).ToArray()))));
        return new TrainingSummary(toSeq(outcomes), summary);
    }

    int Percent() => PlannedFits == 0 ? 0 : Math.Min(99, 100 * trainedModels / PlannedFits);

    FoldOutcome Fold(Fold outer, string variant)
    {
        var clock = Stopwatch.StartNew();
        var inner = plan.InnerOf(outer.Repeat, outer.Outer);
        var train = outer.Train.ToArray();
        var test = outer.Held.ToArray();
        var context = new Context(outer.Repeat, outer.Outer, variant, inner);
        var fitted = spec.Mode switch
        {
            TrainingMode.Meta => Meta(context, train),
            TrainingMode.Hierarchical => Hierarchical(context, train),
            _ => Direct(context, train),
        };
        var predictions = Scorer.Score(codec, fitted.Bundle, input.Features, test);
        // Rows without a label are scored (they get out-of-fold predictions) but have nothing to be measured against.
        var labelled = Enumerable.Range(0, test.Length).Where(i => HasLabel(test[i])).ToArray();
        var metrics = labelled.Length == 0
            ? Map<string, double>()
            : Scoring.Metrics(spec.Task, input.Labels, labelled.Select(i => test[i]).ToArray(), Subset(predictions, labelled));
        var bundle = fitted.Bundle;
        if (spec.Task == TrainingTask.Regression && !fitted.Residuals.IsEmpty)
        {
            bundle = bundle with { Conformal = Scoring.Calibrate(fitted.Residuals.Map(r => r.Actual).ToArray(), fitted.Residuals.Map(r => r.Predicted).ToArray(), spec.ConformalAlpha) };
        }
        return new FoldOutcome(outer.Repeat, outer.Outer, variant, fitted.Selected, context.Scores, bundle, toSeq(test), predictions, metrics,
            fitted.Residuals, train.Length, fitted.Smote.Count, fitted.Smote, clock.Elapsed);
    }

    bool HasLabel(int row) => spec.Task == TrainingTask.Regression ? !double.IsNaN(input.Labels.Targets[row]) : input.Labels.Classes[row] >= 0;

    /// <summary>The predictions at the given positions, in that order.</summary>
    static Predictions Subset(Predictions predictions, int[] positions) => predictions.Classes > 0
        ? new Predictions([], positions.SelectMany(i => predictions.ProbabilitiesOf(i).ToArray()).ToArray(), predictions.Classes)
        : new Predictions(positions.Select(i => predictions.Scores[i]).ToArray(), [], 0);

    /// <summary>Per outer fold: which inner folds there are, and the inner scores collected so far.</summary>
    sealed class Context(int repeat, int outer, string variant, Seq<Fold> inner)
    {
        public int Repeat { get; } = repeat;
        public int Outer { get; } = outer;
        public string Variant { get; } = variant;
        public Seq<Fold> Inner { get; } = inner;
        public Seq<InnerScore> Scores { get; set; } = Seq<InnerScore>();
    }

    sealed record Fitted(ModelBundle Bundle, Seq<(string Part, Candidate Candidate)> Selected,
        Seq<(int Row, double Actual, double Predicted)> Residuals, Seq<SmoteOrigin> Smote);

    /// <summary>A task on a subset of rows: what one model part learns.</summary>
    sealed record PartTask(string Part, TrainingTask Task, int Classes, int[] ClassIds, double[] Targets, Seq<string> ClassNames, string Metric);

    sealed record Selection(Candidate Best, ITransformer Model, EncoderState Encoder, int Width,
        Dictionary<int, double[]> OutOfFold, Seq<SmoteOrigin> Smote);

    Fitted Direct(Context context, int[] train)
    {
        var task = new PartTask("model", spec.Task, input.Labels.Encoding.Classes.Count, input.Labels.Classes.ToArray(),
            input.Labels.Targets.ToArray(), input.Labels.Encoding.Classes, spec.Metric);
        var selection = SelectAndFit(context, task, train);
        var part = new ModelPart("model", selection.Best, Save(selection.Model, selection.Width), task.ClassNames);
        var residuals = spec.Task == TrainingTask.Regression
            ? toSeq(selection.OutOfFold.OrderBy(kv => kv.Key).Select(kv => (kv.Key, input.Labels.Targets[kv.Key], kv.Value[0])).ToArray())
            : Seq<(int, double, double)>();
        return new Fitted(new ModelBundle(spec.Task, spec.Mode, selection.Encoder, input.Labels.Encoding, null, Seq1(part), Seq<(string, string)>(), null),
            Seq1(("model", selection.Best)), residuals, selection.Smote);
    }

    /// <summary>One-vs-rest binary models (each selected by inner CV on its own binary task); their inner out-of-fold
    /// scores train a multiclass meta-classifier, so the meta-classifier never sees a score a model gave its own
    /// training row.</summary>
    Fitted Meta(Context context, int[] train)
    {
        var classes = input.Labels.Encoding.Classes;
        var all = input.Labels.Classes.ToArray();
        var parts = new List<ModelPart>();
        var selected = new List<(string, Candidate)>();
        var metaFeatures = new Dictionary<int, float[]>();
        var synthetic = Seq<SmoteOrigin>();
        EncoderState? encoder = null;
        for (var c = 0; c < classes.Count; c++)
        {
            var name = $"ovr:{classes[c]}";
            var binary = all.Select(id => id < 0 ? -1 : id == c ? 1 : 0).ToArray();
            var selection = SelectAndFit(context, new PartTask(name, TrainingTask.Binary, 2, binary, [], toSeq(new[] { $"not {classes[c]}", classes[c] }), "auc"), train);
            encoder = selection.Encoder;
            synthetic = synthetic.Concat(selection.Smote);
            parts.Add(new ModelPart(name, selection.Best, Save(selection.Model, selection.Width), Seq1(classes[c])));
            selected.Add((name, selection.Best));
            foreach (var (row, score) in selection.OutOfFold)
            {
                if (!metaFeatures.TryGetValue(row, out var vector)) metaFeatures[row] = vector = Enumerable.Repeat(float.NaN, classes.Count).ToArray();
                vector[c] = (float)score[0];
            }
        }
        var rows = metaFeatures.Where(kv => kv.Value.All(v => !float.IsNaN(v)) && all[kv.Key] >= 0).Select(kv => kv.Key).Order().ToArray();
        if (rows.Length == 0) throw Unchecked("the inner folds left no training row with out-of-fold scores for the meta-classifier");
        var x = new Matrix(rows.SelectMany(r => metaFeatures[r]).ToArray(), rows.Length, classes.Count);
        var metaCandidate = new Candidate("lbfgs#meta", TrainerKind.Lbfgs, Map<string, double>());
        var metaModel = FitOne(context, metaCandidate, TrainingTask.Multiclass, classes.Count, x, rows.Select(r => all[r]).ToArray(), [], -1, 0);
        parts.Add(new ModelPart("meta", metaCandidate, Save(metaModel, classes.Count), classes));
        selected.Add(("meta", metaCandidate));
        return new Fitted(new ModelBundle(spec.Task, spec.Mode, encoder!, input.Labels.Encoding, null, toSeq(parts), Seq<(string, string)>(), null),
            toSeq(selected), Seq<(int, double, double)>(), synthetic);
    }

    /// <summary>A level-1 classifier for the parent label and one level-2 classifier per parent branch, each selected
    /// by inner CV on its own rows (inner folds restricted to the branch).</summary>
    Fitted Hierarchical(Context context, int[] train)
    {
        var parents = input.Parent ?? throw Unchecked("hierarchical mode needs the parent label");
        var leaves = input.Labels;
        var hierarchy = TrainingChecks.Hierarchy(parents, leaves).Match(Succ: h => h, Fail: e => throw Unchecked(string.Join("; ", e)));
        var parentIds = parents.Classes.ToArray();
        var parts = new List<ModelPart>();
        var selected = new List<(string, Candidate)>();
        var level1 = SelectAndFit(context, new PartTask("level1", TrainingTask.Multiclass, parents.Encoding.Classes.Count, parentIds, [],
            parents.Encoding.Classes, "macro_f1"), train);
        parts.Add(new ModelPart("level1", level1.Best, Save(level1.Model, level1.Width), parents.Encoding.Classes));
        selected.Add(("level1", level1.Best));
        var synthetic = level1.Smote;
        for (var b = 0; b < parents.Encoding.Classes.Count; b++)
        {
            var branch = parents.Encoding.Classes[b];
            var branchLeaves = hierarchy.Filter(h => h.Parent == branch).Map(h => h.Leaf);
            var name = $"level2:{branch}";
            var branchRows = train.Where(r => parentIds[r] == b).ToArray();
            if (branchLeaves.Count < 2 || branchRows.Length == 0)
            {
                // One leaf (or no training rows): the branch is that leaf; nothing to learn.
                parts.Add(new ModelPart(name, new Candidate("constant", TrainerKind.Lbfgs, Map<string, double>()), [], branchLeaves));
                continue;
            }
            var position = branchLeaves.Select((leaf, i) => (leaf, i)).ToDictionary(x => x.leaf, x => x.i, StringComparer.Ordinal);
            var local = leaves.Classes.Select(id => id < 0 ? -1 : position.GetValueOrDefault(leaves.Encoding.Classes[id], -1)).ToArray();
            // The bundle scores every part through one encoder (level 1's, fitted on all the outer training rows), so the
            // branch's final model is fitted on that encoding too: the branch's own rows may lack a category or a
            // missing value the others have, which would give its inputs another layout.
            var selection = SelectAndFit(context, new PartTask(name, TrainingTask.Multiclass, branchLeaves.Count, local, [], branchLeaves, "macro_f1"), branchRows,
                level1.Encoder);
            synthetic = synthetic.Concat(selection.Smote);
            parts.Add(new ModelPart(name, selection.Best, Save(selection.Model, selection.Width), branchLeaves));
            selected.Add((name, selection.Best));
        }
        return new Fitted(new ModelBundle(spec.Task, spec.Mode, level1.Encoder, leaves.Encoding, parents.Encoding, toSeq(parts), hierarchy, null),
            toSeq(selected), Seq<(int, double, double)>(), synthetic);
    }

    /// <summary>Inner-CV model selection for one part, then the refit of the best candidate on all its training rows.
    /// Returns the selected candidate's out-of-fold predictions on the training rows (per row: P(positive) or the
    /// regression prediction) for conformal calibration and meta-features.</summary>
    /// <param name="sharedEncoder">The encoding of the final fit when the part must share another part's (default: fitted on
    /// <paramref name="train"/>).</param>
    Selection SelectAndFit(Context context, PartTask task, int[] train, EncoderState? sharedEncoder = null)
    {
        train = train.Where(r => Known(task, r)).ToArray();
        var innerFolds = TrainingChecks.UsableInnerFolds(context.Inner, train, r => Known(task, r),
            task.Task == TrainingTask.Regression ? null : task.ClassIds, task.Classes);
        var candidates = spec.Candidates;
        var outOfFold = candidates.Map(_ => new Dictionary<int, double[]>()).ToArray();
        var means = new double[candidates.Count];
        if (candidates.Count > 1 && innerFolds.IsEmpty)
            throw Unchecked($"no inner fold of repeat {context.Repeat + 1}, outer fold {context.Outer + 1} has usable rows for '{task.Part}'");

        if (candidates.Count > 1 || spec.Task == TrainingTask.Regression || spec.Mode == TrainingMode.Meta)
        {
            var sums = new double[candidates.Count];
            var counts = new int[candidates.Count];
            foreach (var fold in innerFolds)
            {
                var encoder = FeatureEncoder.Fit(input.Features, fold.Train);
                var (x, ids, targets, _) = Prepare(encoder, task, fold.Train, context, fold.Inner);
                var validation = new Matrix(FeatureEncoder.Transform(encoder, input.Features, fold.Held), fold.Held.Length, encoder.Width);
                for (var c = 0; c < candidates.Count; c++)
                {
                    var candidate = candidates[c];
                    onProgress(new TrainingProgress("Training", $"{task.Part}: {candidate.Id}, inner fold {fold.Inner + 1} of {context.Inner.Count}", Percent()));
                    var model = FitOne(context, candidate, task.Task, task.Classes, x, ids, targets, fold.Inner, c);
                    var predictions = MlModels.Predict(codec, model, task.Task, task.Classes, validation);
                    var metrics = Scoring.PartMetrics(task.Task, task.Classes, task.ClassIds, task.Targets, fold.Held, predictions);
                    var score = metrics.Find(task.Metric).IfNone(double.NaN);
                    if (!double.IsNaN(score)) { sums[c] += score; counts[c]++; }
                    for (var i = 0; i < fold.Held.Length; i++)
                        outOfFold[c][fold.Held[i]] = task.Task == TrainingTask.Multiclass ? predictions.ProbabilitiesOf(i).ToArray() : [predictions.Scores[i]];
                    context.Scores = context.Scores.Add(new InnerScore(context.Repeat, context.Outer, fold.Inner, context.Variant, task.Part, candidate.Id,
                        candidate.Describe(), x.Rows, fold.Held.Length, metrics));
                }
            }
            for (var c = 0; c < candidates.Count; c++) means[c] = counts[c] == 0 ? double.NaN : sums[c] / counts[c];
        }

        var best = Best(means, task.Metric);
        var finalEncoder = sharedEncoder ?? FeatureEncoder.Fit(input.Features, train);
        var (fx, fids, ftargets, origins) = Prepare(finalEncoder, task, train, context, -1);
        onProgress(new TrainingProgress("Training", $"{task.Part}: fitting {candidates[best].Id} on {train.Length} rows", Percent()));
        var final = FitOne(context, candidates[best], task.Task, task.Classes, fx, fids, ftargets, -1, best);
        return new Selection(candidates[best], final, finalEncoder, finalEncoder.Width, outOfFold[best], origins);
    }

    /// <summary>FNV-1a of a part name: string.GetHashCode differs between processes, seeds must not.</summary>
    static long StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text) hash = (hash ^ ch) * 1099511628211UL;
        return unchecked((long)hash);
    }

    static bool Known(PartTask task, int row) => task.Task == TrainingTask.Regression ? !double.IsNaN(task.Targets[row]) : task.ClassIds[row] >= 0;

    static int Best(double[] means, string metric)
    {
        var higher = TrainingSpecs.HigherIsBetter(metric);
        var best = 0;
        for (var c = 1; c < means.Length; c++)
        {
            if (double.IsNaN(means[c])) continue;
            if (double.IsNaN(means[best]) || (higher ? means[c] > means[best] : means[c] < means[best])) best = c;
        }
        return best;
    }

    /// <summary>Encodes training rows and, in the SMOTE variant of a classification part, adds synthetic rows made
    /// from those training rows only.</summary>
    (Matrix X, int[] Ids, double[] Targets, Seq<SmoteOrigin> Smote) Prepare(EncoderState encoder, PartTask task, int[] rows, Context context, int inner)
    {
        var x = new Matrix(FeatureEncoder.Transform(encoder, input.Features, rows), rows.Length, encoder.Width);
        var ids = task.Task == TrainingTask.Regression ? [] : rows.Select(r => task.ClassIds[r]).ToArray();
        var targets = task.Task == TrainingTask.Regression ? rows.Select(r => task.Targets[r]).ToArray() : [];
        if (context.Variant != SmoteVariant.Smote || task.Task == TrainingTask.Regression) return (x, ids, targets, Seq<SmoteOrigin>());
        var seed = Prng.Derive(spec.Seed, 7, context.Repeat, context.Outer, inner, StableHash(task.Part));
        var (oversampled, classes, samples) = Scoring.Oversample(x, ids, spec.SmoteK, seed);
        // SMOTE saw only these training rows: its row numbers map back to data rows through `rows`.
        return (oversampled, classes, targets, samples.Map(s => new SmoteOrigin(task.Part, s.Class, rows[s.Source], rows[s.Neighbour], s.Gap)));
    }

    ITransformer FitOne(Context context, Candidate candidate, TrainingTask task, int classes, Matrix x, int[] ids, double[] targets, int inner, int candidateIndex)
    {
        cancel.ThrowIfCancellationRequested();
        var ml = Ml(context, inner, candidateIndex);
        // ML.NET has no public way to interrupt a fit in progress: cancellation takes effect between fits.
        try
        {
            return MlModels.Fit(ml, task, candidate, classes, spec.Threads, x, ids, targets);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("Training was cancelled.", e, cancel);
        }
        finally
        {
            trainedModels++;
        }
    }

    /// <summary>A fresh ML.NET context whose seed depends only on the run's seed and the fit's coordinates.</summary>
    MLContext Ml(Context context, int inner, int candidate) =>
        new(seed: (int)(Prng.Derive(spec.Seed, context.Repeat, context.Outer, inner, candidate, context.Variant == SmoteVariant.Smote ? 1 : 0) & int.MaxValue));

    byte[] Save(ITransformer model, int width) => MlModels.Save(codec, model, width);

    /// <summary>A state <see cref="TrainingChecks.Check"/> rules out, should it ever be reached.</summary>
    static TrainingFailed Unchecked(string detail) => new(new UnexpectedFailure("Training", nameof(TrainingChecks), $"{detail}, which the checks before training should have found"));
}

/// <summary>Unwinds a training that cannot go on (<see cref="NestedCrossValidation.Run"/> turns it into its error):
/// a fault of the core's evaluation functions, or an input that <see cref="TrainingChecks.Check"/> should have
/// refused. Never leaves the engine.</summary>
sealed class TrainingFailed(RunTools.Domain.RunError error) : Exception(error.Message)
{
    public RunTools.Domain.RunError Error { get; } = error;
}
