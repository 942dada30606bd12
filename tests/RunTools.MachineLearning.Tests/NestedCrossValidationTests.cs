using System.Collections.Immutable;
using RunTools.Domain;
using RunTools.Training;
using static RunTools.MachineLearning.Tests.Kit;

namespace RunTools.MachineLearning.Tests;

public sealed class NestedCrossValidationTests
{
    // ---- determinism ----------------------------------------------------------------------------------------

    [Fact]
    public void The_same_seed_gives_identical_selections_metrics_and_predictions()
    {
        var data = Binary(240);
        var spec = Spec(TrainingTask.Binary, Lbfgs(), Lgbm()) with { Smote = SmoteMode.Both };
        var plan = Plan(data, k: 3, inner: 2, production: true);

        var first = Train(spec, data, plan);
        var second = Train(spec, data, plan);

        Assert.Equal(first.Folds.Count, second.Folds.Count);
        foreach (var (a, b) in first.Folds.Zip(second.Folds))
        {
            Assert.Equal((a.Repeat, a.Outer, a.Variant), (b.Repeat, b.Outer, b.Variant));
            Assert.Equal(a.Selected, b.Selected);
            Assert.Equal(a.Metrics, b.Metrics);
            Assert.Equal(a.Inner.Map(s => (s.Part, s.Candidate, s.Inner, s.Metrics)), b.Inner.Map(s => (s.Part, s.Candidate, s.Inner, s.Metrics)));
            Assert.Equal(a.TestRows, b.TestRows);
            Assert.Equal(a.Test.Scores, b.Test.Scores);
            Assert.Equal(a.Smote, b.Smote);
            Assert.Equal(a.Model.Encoder, b.Model.Encoder);
        }
        Assert.Equal(first.Metrics, second.Metrics);
    }

    [Fact]
    public void Another_seed_changes_the_SMOTE_samples()
    {
        var data = Binary(200, intercept: -2.5);
        var spec = Spec(TrainingTask.Binary) with { Smote = SmoteMode.Smote };
        var plan = Plan(data, k: 3, inner: null);

        var a = Train(spec, data, plan);
        var b = Train(spec with { Seed = 43 }, data, plan);

        Assert.NotEqual(a.Folds.Map(f => f.Smote), b.Folds.Map(f => f.Smote));
    }

    // ---- model selection ------------------------------------------------------------------------------------

    /// <summary>An lbfgs model with a huge L1 penalty has every weight at zero: a constant score, AUC 0.5 on every
    /// inner fold. LightGbm finds the signal.</summary>
    [Theory]
    [InlineData("auc")]
    [InlineData("log_loss")]
    public void The_selected_candidate_has_the_best_mean_inner_score(string metric)
    {
        var data = Binary(240);
        var spec = Spec(TrainingTask.Binary, Lbfgs("lbfgs#1", l1: 1e6, l2: 1e6), Lgbm()) with { Metric = metric };
        var summary = Train(spec, data, Plan(data, k: 3, inner: 3));

        foreach (var fold in summary.Evaluated())
        {
            var means = fold.Inner.Filter(s => s.Part == "model").GroupBy(s => s.Candidate)
                .ToDictionary(g => g.Key, g => g.Average(s => s.Metrics[metric]));
            Assert.Equal(2, means.Count);
            Assert.Equal(3, fold.Inner.Count(s => s.Candidate == "lightgbm#1"));
            var best = TrainingSpecs.HigherIsBetter(metric) ? means.MaxBy(kv => kv.Value).Key : means.MinBy(kv => kv.Value).Key;
            var (part, selected) = Assert.Single(fold.Selected);
            Assert.Equal(("model", best), (part, selected.Id));
            Assert.Equal("lightgbm#1", best);
            Assert.Equal(selected, Assert.Single(fold.Model.Parts).Candidate);
        }
        if (metric == "auc")
            Assert.All(summary.Evaluated().Bind(f => f.Inner.Filter(s => s.Candidate == "lbfgs#1")), s => Assert.Equal(0.5, s.Metrics["auc"], 6));
    }

    [Fact]
    public void The_inner_folds_train_on_the_outer_training_rows_only()
    {
        var data = Binary(120);
        var plan = Plan(data, k: 3, inner: 2);
        var summary = Train(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), data, plan);

        foreach (var fold in summary.Evaluated())
        {
            var outer = plan.Outer(0)[fold.Outer];
            Assert.Equal(outer.Held, fold.TestRows);
            Assert.Equal(outer.Train.Count, fold.TrainRows);
            foreach (var score in fold.Inner)
            {
                var inner = plan.InnerOf(0, fold.Outer)[score.Inner];
                Assert.Equal((inner.Train.Count, inner.Held.Count), (score.TrainRows, score.ValidationRows));
                Assert.True(inner.Train.Concat(inner.Held).ForAll(r => outer.Train.Contains(r)));
            }
        }
    }

    [Fact]
    public void One_candidate_without_inner_folds_is_fitted_directly()
    {
        var data = Binary(120);
        var summary = Train(Spec(TrainingTask.Binary), data, Plan(data, k: 3, inner: null));
        Assert.All(summary.Evaluated(), f => Assert.Empty(f.Inner));
        Assert.All(summary.Evaluated(), f => Assert.Equal("lightgbm#1", Assert.Single(f.Selected).Candidate.Id));
    }

    /// <summary>The engine checks its input as the shell does before the stage starts (TrainingChecks), and fits
    /// nothing when it does not pass.</summary>
    [Fact]
    public void Several_candidates_without_inner_folds_is_an_error_naming_the_candidates()
    {
        var data = Binary(60);
        var error = Assert.IsType<TrainingSpecInvalid>(Assert.Single(Refused(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), data, Plan(data, k: 3, inner: null))));
        Assert.Equal("training.candidates", error.Key);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void Meta_mode_without_inner_folds_is_an_error_naming_the_mode()
    {
        var data = Multiclass(60);
        var spec = Spec(TrainingTask.Multiclass) with { Mode = TrainingMode.Meta };
        Assert.Equal("training.mode", Assert.IsType<TrainingSpecInvalid>(Assert.Single(Refused(spec, data, Plan(data, k: 3, inner: null)))).Key);
    }

    // ---- signal and no signal -------------------------------------------------------------------------------

    [Fact]
    public void Outer_AUC_is_well_above_one_half_on_data_with_signal()
    {
        var data = Binary(400);
        var summary = Train(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), data, Plan(data, k: 4, inner: 2));
        Assert.True(summary.Mean("auc") > 0.8, $"mean outer AUC {summary.Mean("auc")}");
        Assert.All(summary.Evaluated(), f => Assert.True(f.Metrics["auc"] > 0.7, $"fold {f.Outer}: AUC {f.Metrics["auc"]}"));
    }

    [Fact]
    public void Outer_AUC_is_about_one_half_when_the_labels_are_shuffled()
    {
        var data = Binary(400).Shuffled(seed: 11);
        var summary = Train(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), data, Plan(data, k: 4, inner: 2));
        var auc = summary.Mean("auc");
        Assert.InRange(auc, 0.35, 0.65);
    }

    [Fact]
    public void The_summary_is_mean_sd_and_interval_of_the_outer_fold_metrics()
    {
        var data = Binary(200);
        var summary = Train(Spec(TrainingTask.Binary), data, Plan(data, k: 4, inner: null, production: true));
        var aucs = summary.Evaluated().Map(f => f.Metrics["auc"]).ToArray();
        var stats = summary.Metrics.Find(m => m.Metric == "auc").Map(m => m.Stats).IfNone(() => throw new Xunit.Sdk.XunitException("no auc"));
        Assert.Equal(4, stats.N);
        Assert.Equal(aucs.Average(), stats.Mean, 12);
        Assert.True(stats.Lower95 < stats.Mean && stats.Mean < stats.Upper95);
        Assert.Equal(Seq("accuracy", "auc", "balanced_accuracy", "brier", "f1", "log_loss", "mcc"), summary.Metrics.Map(m => m.Metric).Order().ToSeq());
        var production = Assert.Single(summary.Folds.Filter(f => f.Outer < 0));
        Assert.Empty(production.TestRows);
        Assert.Empty(production.Metrics);
        Assert.Equal(200, production.TrainRows);
    }

    // ---- rows without a label ----------------------------------------------------------------------------------

    /// <summary>Plain k-fold plans keep rows whose label is missing (only stratified plans refuse them): training
    /// leaves them out, and so must the outer metrics; a missing label is not a negative.</summary>
    [Fact]
    public void Rows_without_a_label_count_in_no_outer_metric()
    {
        var data = Binary(200);
        var label = (NumericSource)data.Label;
        var missing = new System.Collections.Generic.HashSet<int>(Enumerable.Range(0, 200).Where(i => i % 5 == 0 && label.Values[i] == 1));
        data = data with { Label = new NumericSource("label", label.Values.Select((v, i) => missing.Contains(i) ? double.NaN : v).ToImmutableArray()) };
        var input = Input(Spec(TrainingTask.Binary), data, Plan(data, k: 4, inner: null, stratified: false));

        var summary = Train(input);

        Assert.All(summary.Evaluated(), f =>
            Assert.Equal(Auc(f, input.Labels, row => !missing.Contains(row)), f.Metrics["auc"], 12));
    }

    [Fact]
    public void Regression_with_missing_targets_trains_and_evaluates_on_the_rows_that_have_one()
    {
        var data = Regression(160);
        var y = (NumericSource)data.Label;
        data = data with { Label = new NumericSource("y", y.Values.Select((v, i) => i % 7 == 0 ? double.NaN : v).ToImmutableArray()) };
        var summary = Train(Spec(TrainingTask.Regression), data, Plan(data, k: 4, inner: 2, stratified: false));
        Assert.All(summary.Evaluated(), f => Assert.True(double.IsFinite(f.Metrics["rmse"])));
        Assert.True(summary.Mean("r2") > 0.5, $"r2 {summary.Mean("r2")}");
    }

    // ---- SMOTE --------------------------------------------------------------------------------------------

    [Fact]
    public void SMOTE_samples_come_from_training_rows_of_their_class_and_never_from_test_rows()
    {
        var data = Binary(240, intercept: -2.5);
        var plan = Plan(data, k: 3, inner: 2, production: true);
        var input = Input(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()) with { Smote = SmoteMode.Both }, data, plan);

        var summary = Train(input);

        var outers = plan.Outer(0).Concat(plan.Production().ToSeq());
        Assert.Equal(outers.Count * 2, summary.Folds.Count);
        foreach (var outer in outers)
        {
            var none = Assert.Single(summary.Folds.Filter(f => f.Outer == outer.Outer && f.Variant == "none"));
            var smote = Assert.Single(summary.Folds.Filter(f => f.Outer == outer.Outer && f.Variant == "smote"));
            Assert.Empty(none.Smote);
            Assert.Equal(0, none.SyntheticRows);
            Assert.NotEmpty(smote.Smote);
            Assert.Equal(smote.Smote.Count, smote.SyntheticRows);
            Assert.True(smote.TrainRows + smote.SyntheticRows > none.TrainRows + none.SyntheticRows);
            var train = new System.Collections.Generic.HashSet<int>(outer.Train);
            var test = new System.Collections.Generic.HashSet<int>(outer.Held);
            foreach (var origin in smote.Smote)
            {
                Assert.Equal("model", origin.Part);
                Assert.Contains(origin.SourceRow, train);
                Assert.Contains(origin.NeighbourRow, train);
                Assert.DoesNotContain(origin.SourceRow, test);
                Assert.DoesNotContain(origin.NeighbourRow, test);
                Assert.Equal(origin.Class, input.Labels.Classes[origin.SourceRow]);
                Assert.Equal(origin.Class, input.Labels.Classes[origin.NeighbourRow]);
                Assert.InRange(origin.Gap, 0, 1);
            }
            // SMOTE fills the minority class (the positives here).
            Assert.All(smote.Smote, o => Assert.Equal(1, o.Class));
        }
        Assert.Contains(summary.Metrics, m => m.Variant == "smote" && m.Metric == "auc");
        Assert.Contains(summary.Metrics, m => m.Variant == "none" && m.Metric == "auc");
    }

    [Fact]
    public void SMOTE_in_meta_mode_samples_each_one_vs_rest_part_from_its_own_training_rows()
    {
        var data = Multiclass(160);
        var plan = Plan(data, k: 3, inner: 2);
        var input = Input(Spec(TrainingTask.Multiclass) with { Mode = TrainingMode.Meta, Smote = SmoteMode.Smote }, data, plan);

        var summary = Train(input);

        foreach (var fold in summary.Evaluated("smote"))
        {
            var outer = plan.Outer(0)[fold.Outer];
            Assert.NotEmpty(fold.Smote);
            foreach (var origin in fold.Smote)
            {
                Assert.StartsWith("ovr:", origin.Part);
                var cls = input.Labels.Encoding.Classes.ToList().IndexOf(origin.Part["ovr:".Length..]);
                // Binary part: class 1 is "this class", class 0 "any other".
                Assert.Equal(origin.Class == 1, input.Labels.Classes[origin.SourceRow] == cls);
                Assert.Equal(origin.Class == 1, input.Labels.Classes[origin.NeighbourRow] == cls);
                Assert.Contains(origin.SourceRow, outer.Train);
                Assert.Contains(origin.NeighbourRow, outer.Train);
            }
        }
    }

    // ---- multiclass modes -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(TrainingMode.Direct)]
    [InlineData(TrainingMode.Meta)]
    [InlineData(TrainingMode.Hierarchical)]
    public void Every_multiclass_mode_separates_well_separated_classes(TrainingMode mode)
    {
        var data = Multiclass(200);
        var spec = Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = mode, Parent = mode == TrainingMode.Hierarchical ? "family" : null };
        var summary = Train(spec, data, Plan(data, k: 3, inner: 2));

        Assert.True(summary.Mean("accuracy") > 0.9, $"{mode}: accuracy {summary.Mean("accuracy")}");
        Assert.True(summary.Mean("macro_f1") > 0.9, $"{mode}: macro F1 {summary.Mean("macro_f1")}");
        foreach (var fold in summary.Evaluated())
        {
            Assert.Equal(fold.TestRows.Count, fold.Test.Count);
            for (var i = 0; i < fold.Test.Count; i++)
                Assert.Equal(1.0, fold.Test.ProbabilitiesOf(i).ToArray().Sum(), 6);
        }
    }

    [Fact]
    public void Meta_mode_has_one_part_per_class_and_a_meta_classifier()
    {
        var data = Multiclass(120);
        var summary = Train(Spec(TrainingTask.Multiclass) with { Mode = TrainingMode.Meta }, data, Plan(data, k: 3, inner: 2));
        var fold = summary.Evaluated().Head;
        Assert.Equal(Seq("ovr:a1", "ovr:a2", "ovr:b1", "ovr:b2", "meta"), fold.Model.Parts.Map(p => p.Name));
        Assert.Equal(Seq("ovr:a1", "ovr:a2", "ovr:b1", "ovr:b2", "meta"), fold.Selected.Map(s => s.Part));
    }

    [Fact]
    public void Hierarchical_mode_has_a_level_1_part_and_one_level_2_part_per_branch()
    {
        var data = Multiclass(120);
        var spec = Spec(TrainingTask.Multiclass) with { Mode = TrainingMode.Hierarchical, Parent = "family" };
        var summary = Train(spec, data, Plan(data, k: 3, inner: 2));
        var model = summary.Evaluated().Head.Model;
        Assert.Equal(Seq("level1", "level2:alpha", "level2:beta"), model.Parts.Map(p => p.Name));
        Assert.Equal(Seq(("a1", "alpha"), ("a2", "alpha"), ("b1", "beta"), ("b2", "beta")), model.Hierarchy);
        Assert.Equal(Seq("alpha", "beta"), model.Parents!.Classes);
    }

    /// <summary>A level-2 model learns from its branch's rows only, but every part of the bundle is scored through the
    /// bundle's one encoder: a missing value or a category that only one branch has must not give the other branch's
    /// model inputs of another layout.</summary>
    [Fact]
    public void Hierarchical_branches_whose_rows_differ_in_missing_values_and_categories_still_score()
    {
        var data = Multiclass(200, branchQuirks: true);
        var spec = Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = TrainingMode.Hierarchical, Parent = "family" };
        var summary = Train(spec, data, Plan(data, k: 3, inner: 2));
        Assert.True(summary.Mean("accuracy") > 0.9, $"accuracy {summary.Mean("accuracy")}");
    }

    /// <summary>A branch with no training rows gets no level-2 model: its leaves share P(branch), so every row's
    /// probabilities still sum to 1.</summary>
    [Fact]
    public void A_branch_without_training_rows_splits_its_probability_among_its_leaves()
    {
        var data = Multiclass(80);
        var alpha = Enumerable.Range(0, 80).Where(i => i % 4 < 2).ToArray();
        var beta = Enumerable.Range(0, 80).Where(i => i % 4 >= 2).ToArray();
        var plan = new RunTools.Folds.FoldPlan(new RunTools.Folds.FoldSpec(RunTools.Folds.FoldKind.KFold, 2, 1, 1, false, null, null, false),
            data.Keys, Seq1(new RunTools.Folds.Fold(0, 0, -1, toSeq(alpha), toSeq(beta))));
        var spec = Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = TrainingMode.Hierarchical, Parent = "family" };

        var fold = Train(spec, data, plan).Folds.Head;

        Assert.Empty(fold.Model.Parts.Find(p => p.Name == "level2:beta").Map(p => p.Bytes).IfNone([1]));
        for (var i = 0; i < fold.TestRows.Count; i++)
        {
            var p = fold.Test.ProbabilitiesOf(i);
            // Level-1 probabilities are normalised, so the leaves' sum is 1 to rounding; giving each leaf the whole
            // P(beta) would add P(beta) (small here, but not 1e-12 small).
            Assert.InRange(p.ToArray().Sum(), 1 - 1e-12, 1 + 1e-12);
            Assert.Equal(p[2], p[3], 12);   // b1 and b2 share P(beta)
        }
    }

    [Fact]
    public void A_leaf_under_two_parents_is_an_error()
    {
        var data = Multiclass(60);
        var parent = (CategoricalSource)data.Parent!;
        data = data with { Parent = new CategoricalSource("family", parent.Values.SetItem(0, "beta")) };   // row 0 is an a1
        var spec = Spec(TrainingTask.Multiclass) with { Mode = TrainingMode.Hierarchical, Parent = "family" };
        var error = Assert.IsType<TrainingSpecInvalid>(Assert.Single(Refused(spec, data, Plan(data, k: 3, inner: null))));
        Assert.Equal("training.parent", error.Key);
        Assert.Contains("'a1'", error.Message);
    }

    // ---- regression and conformal intervals -----------------------------------------------------------------

    [Fact]
    public void Regression_conformal_intervals_cover_about_1_minus_alpha_of_the_out_of_fold_targets()
    {
        const double alpha = 0.2;
        var data = Regression(400);
        var spec = Spec(TrainingTask.Regression, Lgbm()) with { ConformalAlpha = alpha };
        var input = Input(spec, data, Plan(data, k: 4, inner: 3, stratified: false));

        var summary = Train(input);

        var covered = 0;
        var total = 0;
        foreach (var fold in summary.Evaluated())
        {
            var calibration = fold.Model.Conformal!;
            Assert.Equal(alpha, calibration.Alpha);
            Assert.Equal(fold.TrainRows, calibration.N);          // every outer training row, scored out of fold
            Assert.Equal(fold.TrainRows, fold.Residuals.Count);
            Assert.True(double.IsFinite(calibration.Quantile) && calibration.Quantile > 0);
            var train = fold.Residuals.Map(r => r.Row).ToHashSet();
            Assert.DoesNotContain(fold.TestRows, train.Contains);
            for (var i = 0; i < fold.TestRows.Count; i++)
            {
                var actual = input.Labels.Targets[fold.TestRows[i]];
                var (lower, upper) = RunTools.Evaluation.Conformal.Interval(fold.Test.Scores[i], calibration);
                if (actual >= lower && actual <= upper) covered++;
                total++;
            }
        }
        Assert.Equal(400, total);
        Assert.InRange(covered / (double)total, 1 - alpha - 0.07, 1 - alpha + 0.1);
        Assert.True(summary.Mean("r2") > 0.8, $"r2 {summary.Mean("r2")}");
    }

    [Fact]
    public void Regression_without_inner_folds_has_no_conformal_calibration()
    {
        var data = Regression(80);
        var summary = Train(Spec(TrainingTask.Regression), data, Plan(data, k: 4, inner: null, stratified: false));
        Assert.All(summary.Evaluated(), f => Assert.Null(f.Model.Conformal));
        Assert.All(summary.Evaluated(), f => Assert.Empty(f.Residuals));
    }

    // ---- cancellation ---------------------------------------------------------------------------------------

    [Fact]
    public void A_cancelled_token_stops_training_before_any_fit()
    {
        var data = Binary(60);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var folds = new List<FoldOutcome>();
        var engine = new NestedCrossValidation(Input(Spec(TrainingTask.Binary), data, Plan(data, k: 3, inner: null)), folds.Add, _ => { }, cancel.Token);

        Assert.ThrowsAny<OperationCanceledException>(() => engine.Run());
        Assert.Empty(folds);
    }

    [Fact]
    public void Cancelling_during_training_stops_after_the_current_fit()
    {
        var data = Binary(90);
        using var cancel = new CancellationTokenSource();
        var folds = new List<FoldOutcome>();
        var input = Input(Spec(TrainingTask.Binary), data, Plan(data, k: 3, inner: null));
        var engine = new NestedCrossValidation(input, f => { folds.Add(f); cancel.Cancel(); }, _ => { }, cancel.Token);

        Assert.ThrowsAny<OperationCanceledException>(() => engine.Run());
        Assert.Single(folds);
    }

    [Fact]
    public void Progress_is_reported_and_never_goes_past_99_percent()
    {
        var data = Binary(90);
        var progress = new List<TrainingProgress>();
        var engine = new NestedCrossValidation(Input(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), data, Plan(data, k: 3, inner: 2)), _ => { }, progress.Add, default);
        Expect(engine.Run());
        Assert.Equal(3 * (2 * 2 + 1), engine.PlannedFits);
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.InRange(p.Percent, 0, 99));
    }

    [Theory]
    [InlineData("direct, one candidate, no inner folds")]
    [InlineData("direct, two candidates")]
    [InlineData("meta")]
    public void The_planned_number_of_fits_is_the_number_of_models_fitted(string setup)
    {
        var binary = Binary(90);
        var species = Multiclass(120);
        var input = setup switch
        {
            "direct, one candidate, no inner folds" => Input(Spec(TrainingTask.Binary, Lgbm()), binary, Plan(binary, k: 3, inner: null)),
            "direct, two candidates" => Input(Spec(TrainingTask.Binary, Lbfgs(), Lgbm()), binary, Plan(binary, k: 3, inner: 2)),
            _ => Input(Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = TrainingMode.Meta }, species, Plan(species, k: 3, inner: 2)),
        };
        var folds = new List<FoldOutcome>();
        var engine = new NestedCrossValidation(input, folds.Add, _ => { }, default);

        Expect(engine.Run());

        // Each inner score is one fit; each part with a model is one final fit.
        Assert.Equal(folds.Sum(f => f.Inner.Count + f.Model.Parts.Count(p => p.Bytes.Length > 0)), engine.PlannedFits);
    }
}
