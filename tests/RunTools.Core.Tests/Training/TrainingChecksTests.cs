using System.Collections.Immutable;
using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Tests.Config;
using RunTools.Training;

namespace RunTools.Tests.Training;

/// <summary>The checks that need the settings, the plan and the data, made before a training stage starts: every
/// problem reported at once, each as its own error naming the setting to change.</summary>
public sealed class TrainingChecksTests
{
    static readonly Candidate Lbfgs = new("lbfgs#1", TrainerKind.Lbfgs, Map<string, double>());
    static readonly Candidate Lgbm = new("lightgbm#1", TrainerKind.LightGbm, Map<string, double>());

    static TrainingSpec Spec(TrainingTask task, TrainingMode mode = TrainingMode.Direct, params Candidate[] candidates) =>
        new(task, mode, TrainingSpecs.DefaultMetric(task), toSeq(candidates.Length == 0 ? [Lgbm] : candidates), 0, 42, SmoteMode.None, 5, 0.1, null, null);

    static Seq<string> Keys(int n) => toSeq(Enumerable.Range(0, n).Select(i => $"r{i}").ToArray());

    static FoldPlan Plan(int rows, int k, int? inner, bool production = false) =>
        Expect.Succ(FoldPlanner.Plan(
            new FoldSpec(FoldKind.KFold, k, 1, 7, true, null, inner is { } i ? new FoldSpec(FoldKind.KFold, i, 1, 7, true, null, null, false) : null, production),
            new FoldData(Keys(rows), null, null, null)));

    static EncodedLabels Classes(TrainingTask task, params string?[] labels) =>
        Expect.Succ(Labels.Encode(task, new CategoricalSource("y", labels.ToImmutableArray()), null));

    static TrainingInput Input(TrainingSpec spec, EncodedLabels labels, FoldPlan plan, EncodedLabels? parent = null) =>
        new(spec, Seq<FeatureSource>(), labels, parent, plan);

    static Seq<TrainingSpecInvalid> Problems(TrainingInput input) =>
        TrainingChecks.Check(input).Match(
            Succ: _ => throw new Xunit.Sdk.XunitException("Expected the training to be refused"),
            Fail: errors => errors.Map(e => Assert.IsType<TrainingSpecInvalid>(e)));

    /// <summary>30 rows, every third a "yes".</summary>
    static EncodedLabels Balanced => Classes(TrainingTask.Binary, Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? "yes" : "no").ToArray());

    [Fact]
    public void Several_candidates_with_usable_inner_folds_pass()
    {
        var input = Input(Spec(TrainingTask.Binary, candidates: [Lbfgs, Lgbm]), Balanced, Plan(30, 3, 2, production: true));

        Assert.Equal(Success<Error, TrainingInput>(input), TrainingChecks.Check(input));
    }

    /// <summary>One "yes" among 30 rows: the outer fold that tests it trains on no "yes", so none of its inner folds
    /// can compare candidates on both classes.</summary>
    [Fact]
    public void Too_few_rows_of_a_class_for_the_inner_folds_is_refused_naming_the_outer_fold()
    {
        var labels = Classes(TrainingTask.Binary, Enumerable.Range(0, 30).Select(i => i == 0 ? "yes" : "no").ToArray());
        var plan = Plan(30, 3, 2);
        var outer = plan.Outer(0).Find(f => f.Held.Contains(0)).Map(f => f.Outer + 1).IfNone(0);

        var error = Assert.Single(Problems(Input(Spec(TrainingTask.Binary, candidates: [Lbfgs, Lgbm]), labels, plan)));

        Assert.Equal("folds.inner", error.Key);
        Assert.StartsWith($"no inner fold has usable rows for 'model' in repeat 1 outer fold {outer} (", error.Detail);
        Assert.Equal(("TrainingSpecInvalid", ErrorKind.InvalidData, (object?)"folds.inner"), (error.ErrorId, error.Kind, error.Target));
    }

    [Fact]
    public void With_one_candidate_there_is_nothing_to_select_so_unusable_inner_folds_are_no_problem()
    {
        var labels = Classes(TrainingTask.Binary, Enumerable.Range(0, 30).Select(i => i == 0 ? "yes" : "no").ToArray());

        Assert.True(TrainingChecks.Check(Input(Spec(TrainingTask.Binary), labels, Plan(30, 3, 2))).IsSuccess);
    }

    [Fact]
    public void Independent_problems_are_all_reported()
    {
        var labels = Classes(TrainingTask.Multiclass, Enumerable.Range(0, 30).Select(i => $"c{i % 3}").ToArray());

        var errors = Problems(Input(Spec(TrainingTask.Multiclass, TrainingMode.Meta, Lbfgs, Lgbm), labels, Plan(30, 3, inner: null)));

        Assert.Equal(Seq("training.candidates", "training.mode"), errors.Map(e => e.Key));
    }

    [Fact]
    public void Poisson_regression_on_negative_targets_is_refused()
    {
        var targets = new NumericSource("y", Enumerable.Range(0, 30).Select(i => i - 5.0).ToImmutableArray());
        var labels = Expect.Succ(Labels.Encode(TrainingTask.Regression, targets, null));

        var error = Assert.Single(Problems(Input(Spec(TrainingTask.Regression, candidates: [Lbfgs]), labels, Plan(30, 3, null))));

        Assert.Equal("training.candidates", error.Key);
        Assert.Contains("non-negative", error.Detail);
    }

    [Fact]
    public void Every_leaf_under_two_parents_is_named_in_one_error()
    {
        var leaves = Classes(TrainingTask.Multiclass, "a1", "a1", "a2", "b1", "b1", "b2");
        var parents = Classes(TrainingTask.Multiclass, "alpha", "beta", "alpha", "beta", "alpha", "beta");

        var error = Assert.Single(Problems(Input(Spec(TrainingTask.Multiclass, TrainingMode.Hierarchical) with { Parent = "family" }, leaves, Plan(6, 2, null), parents)));

        Assert.Equal(("training.parent", "the class 'a1' appears under 'alpha' and 'beta'; the class 'b1' appears under 'alpha' and 'beta'"), (error.Key, error.Detail));
    }

    /// <summary>The inner folds of hierarchical mode's parts follow the hierarchy: with a broken one they are not
    /// checked, and the hierarchy's error is reported once.</summary>
    [Fact]
    public void A_broken_hierarchy_is_reported_once()
    {
        var leaves = Classes(TrainingTask.Multiclass, Enumerable.Range(0, 24).Select(i => $"x{i % 4}").ToArray());
        var parents = Classes(TrainingTask.Multiclass, Enumerable.Range(0, 24).Select(i => i % 3 == 0 ? "alpha" : "beta").ToArray());
        var spec = Spec(TrainingTask.Multiclass, TrainingMode.Hierarchical, Lbfgs, Lgbm) with { Parent = "family" };

        var error = Assert.Single(Problems(Input(spec, leaves, Plan(24, 2, inner: 2), parents)));

        Assert.Equal("training.parent", error.Key);
    }

    [Fact]
    public void The_hierarchy_pairs_each_leaf_with_its_parent_in_the_leaves_order()
    {
        var leaves = Classes(TrainingTask.Multiclass, "b1", "a1", "a2", "b1", null);
        var parents = Classes(TrainingTask.Multiclass, "beta", "alpha", "alpha", "beta", "beta");

        Assert.Equal(Success<Error, Seq<(string, string)>>(Seq(("a1", "alpha"), ("a2", "alpha"), ("b1", "beta"))), TrainingChecks.Hierarchy(parents, leaves));
    }

    [Fact]
    public void An_inner_fold_is_usable_for_a_part_when_its_rows_of_the_part_have_every_class_and_validation_rows()
    {
        var inner = Seq(
            new Fold(0, 0, 0, Seq(1, 2, 3), Seq(4, 5)),
            new Fold(0, 0, 1, Seq(1, 4, 9), Seq1(3)),       // the part's rows leave only class 0 to train on
            new Fold(0, 0, 2, Seq(1, 2, 4), Seq1(8)));      // row 8 is not one of the part's rows: no validation rows
        int[] classIds = [0, 0, 1, 1, 0, 1, 0, 0, 1, 1];

        var usable = TrainingChecks.UsableInnerFolds(inner, [1, 2, 3, 4, 5], _ => true, classIds, 2);

        var fold = Assert.Single(usable);
        Assert.Equal((0, "1 2 3", "4 5"), (fold.Inner, string.Join(' ', fold.Train), string.Join(' ', fold.Held)));
    }
}
