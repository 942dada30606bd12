using RunTools.Domain;
using RunTools.Folds;
using RunTools.Tests.Config;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

/// <summary>Every error the planner returns, as the exact record.</summary>
public sealed class FoldErrorTests
{
    private static void Fails<TError>(TError expected, FoldSpec spec, FoldData data) where TError : RunError =>
        Expect.Error(expected, FoldPlanner.Plan(spec, data));

    // ---- the spec -------------------------------------------------------------------------------------------

    public static TheoryData<FoldSpec, string, string> BadSpecs => new()
    {
        { Spec(FoldKind.KFold, 1), "folds.k", "must be at least 2, got 1" },
        { Spec(FoldKind.KFold, 5, repeats: 0), "folds.repeats", "must be at least 1, got 0" },
        { Spec(FoldKind.KFold, 5, repeats: 2), "folds.repeats", "without shuffle every repeat gives the same folds; use shuffle: true or repeats: 1" },
        { Spec(FoldKind.WalkForward, 5, repeats: 2), "folds.repeats", "walk-forward folds are fixed by time, so every repeat would be the same; use repeats: 1" },
        { Spec(FoldKind.WalkForward, 5, shuffle: true), "folds.shuffle", "walk-forward folds keep time order; use shuffle: false" },
        { Spec(FoldKind.KFold, 5, walkForward: Expanding()), "folds.walk_forward", "only used when kind is walk_forward, and kind is kfold" },
        { Spec(FoldKind.WalkForward, 5, walkForward: Expanding(horizon: 0)), "folds.walk_forward.horizon", "must be at least 1 time point, got 0" },
        { Spec(FoldKind.WalkForward, 5, walkForward: Expanding(gap: -1)), "folds.walk_forward.gap", "must be 0 or more, got -1" },
        { Spec(FoldKind.WalkForward, 5, walkForward: Expanding(minTrain: -1)), "folds.walk_forward.min_train", "must be 0 or more, got -1" },
        { Spec(FoldKind.WalkForward, 5, walkForward: new WalkForwardSpec(WindowKind.Sliding, null, 0, null, 1)), "folds.walk_forward.train_size", "is required for window: sliding (the number of time points to train on)" },
        { Spec(FoldKind.WalkForward, 5, walkForward: new WalkForwardSpec(WindowKind.Expanding, null, 0, 10, 1)), "folds.walk_forward.train_size", "is only used with window: sliding; an expanding window trains on every earlier time point" },
        { Spec(FoldKind.WalkForward, 5, walkForward: Sliding(trainSize: 0, minTrain: 0)), "folds.walk_forward.train_size", "must be at least 1 time point, got 0" },
        { Spec(FoldKind.WalkForward, 5, walkForward: Sliding(trainSize: 5, minTrain: 6)), "folds.walk_forward.train_size", "5 is less than min_train (6), so no fold could train" },
        { Spec((FoldKind)9, 5), "folds.kind", "9 is not a fold kind" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 1)), "folds.inner.k", "must be at least 2, got 1" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.WalkForward, 3, shuffle: true)), "folds.inner.shuffle", "walk-forward folds keep time order; use shuffle: false" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 3) with { Repeats = 2 }), "folds.inner.repeats", "without shuffle every repeat gives the same folds; use shuffle: true or repeats: 1" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 3, shuffle: true) with { Repeats = 2 }), "folds.inner.repeats", "repeats apply to the outer folds; the inner spec must have 1" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 3) with { Production = true }), "folds.inner.production", "production applies to the outer plan; the inner spec must not set it" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 3) with { Seed = 7 }), "folds.inner.seed", "inner folds take their seeds from the outer seed (42); the inner spec must have the same seed, got 7" },
        { Spec(FoldKind.KFold, 5, inner: Inner(FoldKind.KFold, 3) with { Inner = Inner(FoldKind.KFold, 2) }), "folds.inner.inner", "only one level of nesting is supported" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_spec_that_cannot_work_is_FoldSpecInvalid_naming_the_setting(FoldSpec spec, string key, string detail)
    {
        Fails(new FoldSpecInvalid(key, detail), spec, Data(100, labels: Enumerable.Repeat("a", 100).ToArray(), times: Enumerable.Range(0, 100).Select(i => (double)i).ToArray()));
        Expect.Error(new FoldSpecInvalid(key, detail), FoldSpecs.Validate(spec));
    }

    [Fact]
    public void Spec_errors_name_the_key_under_the_given_section() =>
        Expect.Error(new FoldSpecInvalid("cv.outer.k", "must be at least 2, got 0"), FoldSpecs.Validate(Spec(FoldKind.KFold, 0), "cv.outer"));

    [Fact]
    public void The_message_says_what_to_change() =>
        Assert.Equal("The fold setting 'folds.k' is not valid: must be at least 2, got 1",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.KFold, 1), Data(10))).Message);

    // ---- the data -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(FoldKind.Stratified, "label")]
    [InlineData(FoldKind.StratifiedGroup, "label")]
    [InlineData(FoldKind.Group, "group")]
    [InlineData(FoldKind.WalkForward, "time")]
    public void A_kind_without_its_column_is_FoldColumnMissing(FoldKind kind, string column) =>
        Fails(new FoldColumnMissing(column, FoldSpecs.Text(kind)), Spec(kind, 2), Data(10));

    [Fact]
    public void An_inner_kind_without_its_column_is_FoldColumnMissing_naming_the_inner_kind() =>
        Fails(new FoldColumnMissing("group", "group"), Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.Group, 2)), Data(10));

    [Fact]
    public void A_column_of_the_wrong_length_is_FoldColumnLength_even_when_the_kind_does_not_use_it()
    {
        Fails(new FoldColumnLength("label", 3, 4), Spec(FoldKind.Stratified, 2), Data(4, labels: ["a", "b", "a"]));
        Fails(new FoldColumnLength("time", 5, 4), Spec(FoldKind.KFold, 2), Data(4, times: [1, 2, 3, 4, 5]));
        Assert.Equal("The time column has 5 values for 4 rows; give exactly one per row.",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.KFold, 2), Data(4, times: [1, 2, 3, 4, 5]))).Message);
    }

    [Fact]
    public void Duplicate_row_keys_are_DuplicateRowKey_naming_the_first_and_its_count()
    {
        var data = new FoldData(Seq("a", "b", "c", "b", "a", "b"), null, null, null);
        Fails(new DuplicateRowKey("a", 2), Spec(FoldKind.KFold, 2), data);
    }

    [Fact]
    public void Row_keys_are_compared_ordinally() =>
        Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2), new FoldData(Seq("a", "A", "é", "e\u0301"), null, null, null)));

    [Fact]
    public void Empty_row_keys_are_MissingValues_by_position() =>
        Fails(new MissingValues("row key", 2, "#2"), Spec(FoldKind.KFold, 2), new FoldData(Seq("a", "", "c", null!), null, null, null));

    [Fact]
    public void Empty_labels_and_groups_are_MissingValues_naming_the_count_and_first_row()
    {
        Fails(new MissingValues("label", 2, "'r1'"), Spec(FoldKind.Stratified, 2), Data(6, labels: ["a", "", "a", "b", "", "b"]));
        Fails(new MissingValues("group", 1, "'r5'"), Spec(FoldKind.Group, 2), Data(6, groups: ["a", "b", "a", "b", "c", null!]));
        Assert.Equal("2 rows have no label; the first is 'r1'. Fill in or drop them before planning folds.",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.Stratified, 2), Data(6, labels: ["a", "", "a", "b", "", "b"]))).Message);
    }

    [Fact]
    public void NaN_and_infinite_times_are_MissingValues()
    {
        Fails(new MissingValues("time", 3, "'r0'"), Spec(FoldKind.WalkForward, 2), Data(5, times: [double.NaN, 1, double.PositiveInfinity, 2, double.NegativeInfinity]));
        Assert.Equal("1 row has no time (NaN or infinite); the first is 'r2'. Fill in or drop it before planning folds.",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.WalkForward, 2), Data(4, times: [0, 1, double.NaN, 2]))).Message);
    }

    [Fact]
    public void Missing_values_in_a_column_the_kinds_do_not_use_are_allowed() =>
        Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2), Data(4, labels: ["", "a", "", "b"], times: [double.NaN, 1, 2, 3])));

    // ---- too little data ------------------------------------------------------------------------------------

    [Fact]
    public void Fewer_rows_than_folds_is_TooFewRows()
    {
        Fails(new TooFewRows(4, 5, "folds.k", "the data"), Spec(FoldKind.KFold, 5), Data(4));
        Fails(new TooFewRows(0, 2, "folds.k", "the data"), Spec(FoldKind.Stratified, 2), Data(0, labels: []));
        Assert.Equal("Cannot make 5 folds (folds.k) from the 4 rows of the data; lower folds.k or supply more rows.",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.KFold, 5), Data(4))).Message);
    }

    [Fact]
    public void Too_few_rows_for_the_inner_folds_names_the_outer_fold()
    {
        // 5 rows, outer k = 2: outer fold 0 holds 3 rows and trains on 2, fewer than 3 inner folds
        Fails(new TooFewRows(2, 3, "folds.inner.k", "the training rows of outer fold 0 (repeat 0)"),
            Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.KFold, 3)), Data(5));
        Fails(new TooFewRows(2, 3, "folds.inner.k", "the training rows of outer fold 0 (repeat 0)"),
            Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.KFold, 3), production: true), Data(5));
    }

    [Fact]
    public void Inner_errors_name_the_rows_they_split()
    {
        // The production fold's inner folds split all rows, a superset of every outer training set, so their errors
        // are reached only after an outer fold's; their scope text is checked directly.
        Assert.Equal(new FoldScope("folds.inner", "all rows (the production fold)"), FoldScope.InnerOf(0, -1));
        Assert.Equal(new FoldScope("folds.inner", "the training rows of outer fold 3 (repeat 1)"), FoldScope.InnerOf(1, 3));
        Assert.Equal("folds.inner.k", FoldScope.InnerOf(1, 3).FoldsKey);
    }

    [Fact]
    public void Fewer_groups_than_folds_is_TooFewGroups()
    {
        Fails(new TooFewGroups(2, 3, "folds.k", "the data"), Spec(FoldKind.Group, 3), Data(6, groups: ["a", "a", "b", "b", "b", "a"]));
        Fails(new TooFewGroups(2, 3, "folds.k", "the data"), Spec(FoldKind.StratifiedGroup, 3), Data(6, labels: ["x", "y", "x", "y", "x", "y"], groups: ["a", "a", "b", "b", "b", "a"]));
        // outer fold 0 holds group b (3 rows) and trains on a and c only
        Fails(new TooFewGroups(2, 3, "folds.inner.k", "the training rows of outer fold 0 (repeat 0)"),
            Spec(FoldKind.Group, 2, inner: Inner(FoldKind.Group, 3)), Data(6, groups: ["a", "b", "b", "b", "a", "c"]));
    }

    [Fact]
    public void A_class_with_fewer_rows_than_folds_is_ClassTooSmall_naming_the_first_such_class()
    {
        Fails(new ClassTooSmall("b", 2, 3, "folds.k", "the data"), Spec(FoldKind.Stratified, 3),
            Data(8, labels: ["a", "c", "a", "b", "a", "b", "c", "c"]));
        Assert.Equal("The class 'b' has 2 rows in the data, fewer than the 3 stratified folds (folds.k), so some folds would have none. Lower folds.k, merge or drop the class, or use kind: kfold.",
            Expect.Fail(FoldPlanner.Plan(Spec(FoldKind.Stratified, 3), Data(8, labels: ["a", "c", "a", "b", "a", "b", "c", "c"]))).Message);
    }

    [Fact]
    public void A_class_too_small_inside_an_outer_training_set_is_ClassTooSmall_for_the_inner_folds()
    {
        // class b has 3 rows: outer stratified k = 3 leaves 2 of them in each training set, fewer than 3 inner folds
        string[] y = ["a", "a", "a", "a", "a", "a", "b", "b", "b"];
        Fails(new ClassTooSmall("b", 2, 3, "folds.inner.k", "the training rows of outer fold 0 (repeat 0)"),
            Spec(FoldKind.Stratified, 3, inner: Inner(FoldKind.Stratified, 3)), Data(9, labels: y));
    }

    [Fact]
    public void Too_few_time_points_for_a_set_horizon_is_TooFewTimePoints_with_the_count_needed()
    {
        // 3 windows of 2, gap 1, min_train 2: 3·2 + 1 + 2 = 9 points needed, 8 given
        var times = Enumerable.Range(0, 16).Select(i => (double)(i / 2)).ToArray();
        var spec = Spec(FoldKind.WalkForward, 3, walkForward: Expanding(horizon: 2, gap: 1, minTrain: 2));
        Fails(new TooFewTimePoints(8, 9, "folds", "the data", "3 test windows of 2 (horizon), a gap of 1 and at least 2 to train on (min_train)"), spec, Data(16, times: times));
        Assert.Equal("Walk-forward folds (folds) need at least 9 distinct time points in the data, which has 8: 3 test windows of 2 (horizon), a gap of 1 and at least 2 to train on (min_train). Lower folds.k, the horizon, the gap or min_train, or supply more time points.",
            Expect.Fail(FoldPlanner.Plan(spec, Data(16, times: times))).Message);
        Expect.Succ(FoldPlanner.Plan(spec, Data(18, times: Enumerable.Range(0, 18).Select(i => (double)(i / 2)).ToArray())));
    }

    [Theory]
    [InlineData(2, 0, 1, 3)]    // m = 3: horizon 1, 1 point to train on
    [InlineData(2, 3, 1, 8)]    // m = 8: horizon 2, 8 − 4 − 3 = 1 (m = 6, 7 leave nothing)
    [InlineData(4, 0, 10, 34)]  // m = 34: horizon 6, 34 − 24 = 10 (m = 25…33 leave at most 9)
    public void Too_few_time_points_without_a_horizon_reports_the_smallest_count_that_plans(int k, int gap, int minTrain, int needed)
    {
        var spec = Spec(FoldKind.WalkForward, k, walkForward: Expanding(gap: gap, minTrain: minTrain));
        FoldData Points(int m) => Data(m, times: Enumerable.Range(0, m).Select(i => (double)i).ToArray());
        Assert.Equal(needed, Enumerable.Range(1, 200).First(m => FoldPlanner.Plan(spec, Points(m)).IsSucc));
        var error = Assert.IsType<TooFewTimePoints>(Expect.Fail(FoldPlanner.Plan(spec, Points(needed - 1))));
        Assert.Equal((needed - 1, needed), (error.Points, error.Needed));
    }

    [Fact]
    public void Too_few_time_points_for_inner_walk_forward_names_the_outer_fold()
    {
        // outer walk-forward k = 2 horizon 2 on 6 points: fold 0 trains on points 0 1, too few for 2 inner windows of 1 + 1 to train
        var spec = Spec(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 2), inner: Inner(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 1)));
        Fails(new TooFewTimePoints(2, 3, "folds.inner", "the training rows of outer fold 0 (repeat 0)", "2 test windows of 1 (horizon), a gap of 0 and at least 1 to train on (min_train)"),
            spec, Data(6, times: [1, 2, 3, 4, 5, 6]));
    }
}

public sealed class TimePointsNeededTests
{
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Without_a_horizon_the_count_needed_is_the_next_count_that_plans(byte kByte, byte gapByte, byte minTrainByte, byte mByte)
    {
        int k = 2 + kByte % 6, gap = gapByte % 9, minTrain = minTrainByte % 6, m = mByte % 60;
        var spec = F.Spec(FoldKind.WalkForward, k, walkForward: F.Expanding(gap: gap, minTrain: minTrain));
        FoldData Points(int count) => F.Data(count, times: Enumerable.Range(0, count).Select(i => (double)i).ToArray());
        var result = FoldPlanner.Plan(spec, Points(m));
        if (result.IsSucc) return;
        var error = Assert.IsType<TooFewTimePoints>(Expect.Fail(result));
        Assert.Equal(m, error.Points);
        Assert.Equal(Enumerable.Range(m + 1, 1000).First(n => FoldPlanner.Plan(spec, Points(n)).IsSucc), error.Needed);
    }
}
