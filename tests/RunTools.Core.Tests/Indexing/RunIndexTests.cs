using RunTools.Config;
using RunTools.Domain;
using RunTools.Indexing;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Indexing;

public sealed class RunIndexTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    static RunIndexEntry Entry(string dir, int minutes = 0, RunStamp? stamp = null, Seq<(string, ConfigValue)> @params = default,
        Seq<(string, double)> metrics = default, RunStatus status = RunStatus.Completed) =>
        new(dir, stamp ?? new RunStamp(100, 5, 40), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), dir, "sweep", status,
            T0.AddMinutes(minutes), T0.AddMinutes(minutes), null, @params, metrics);

    static IndexedRun Run(RunIndexEntry e) => new(e, e.Status);

    // ---- the line format ------------------------------------------------------------------------------------------

    [Fact]
    public void An_entry_line_round_trips_every_value_kind()
    {
        var entry = Entry("a", 3, new RunStamp(1234, 638_000_000_000_000_000, null),
            Seq<(string, ConfigValue)>(("model.lr", F(0.01)), ("model.trees", I(200)), ("model.name", S("gbm \"x\"\n")), ("flag", B(true)),
                ("none", ConfigNull.Instance), ("list", L(I(1), S("b"))), ("empty", ConfigMap.Empty), ("whole", F(2.0))),
            Seq<(string, double)>(("cv/auc", 0.91), ("nan", double.NaN), ("inf", double.NegativeInfinity)));
        Assert.Equal(new RunIndexLine.Set(entry), RunIndexJson.Decode(RunIndexJson.Encode(new RunIndexLine.Set(entry))));
        Assert.Equal(new RunIndexLine.Drop("b"), RunIndexJson.Decode(RunIndexJson.Encode(new RunIndexLine.Drop("b"))));
    }

    [Fact]
    public void A_line_that_was_cut_off_or_changed_is_refused()
    {
        var line = RunIndexJson.Encode(new RunIndexLine.Set(Entry("a", @params: Seq1<(string, ConfigValue)>(("model.lr", F(0.01))))));
        Assert.Null(RunIndexJson.Decode(line[..^5]));
        Assert.Null(RunIndexJson.Decode(line.Replace("0.01", "0.02")));
        Assert.Null(RunIndexJson.Decode(""));
        Assert.Null(RunIndexJson.Decode("not a line at all"));
    }

    [Fact]
    public void Replay_lets_the_later_line_win_and_counts_damaged_lines()
    {
        var (entries, damaged) = RunIndex.Replay([
            RunIndexJson.Encode(new RunIndexLine.Set(Entry("a", 1))),
            RunIndexJson.Encode(new RunIndexLine.Set(Entry("b"))),
            "garbage",
            RunIndexJson.Encode(new RunIndexLine.Set(Entry("a", 2))),
            RunIndexJson.Encode(new RunIndexLine.Drop("b")),
        ]);
        Assert.Equal(1, damaged);
        Assert.Equal(Entry("a", 2), Assert.Single(entries).Value);
    }

    // ---- reconcile ------------------------------------------------------------------------------------------------

    [Fact]
    public void Reconcile_keeps_current_entries_rereads_changed_new_and_unstamped_runs_and_drops_the_rest()
    {
        var stamp = new RunStamp(100, 5, 40);
        var indexed = new Dictionary<string, RunIndexEntry>
        {
            ["same"] = Entry("same", stamp: stamp),
            ["grown"] = Entry("grown", stamp: stamp),
            ["noManifest"] = Entry("noManifest", stamp: stamp),
            ["gone"] = Entry("gone", stamp: stamp),
        };
        var plan = RunIndex.Reconcile(Seq(
            new ListedRun("grown", stamp with { EventsBytes = 80 }),
            new ListedRun("new", stamp),
            new ListedRun("noManifest", null),
            new ListedRun("same", stamp)), indexed);
        Assert.Equal(new ReconcilePlan(Seq1(Entry("same", stamp: stamp)), Seq("grown", "new", "noManifest"), Seq1("gone")), plan);
        Assert.True(plan.ChangesIndex);
        Assert.False(RunIndex.Reconcile(Seq1(new ListedRun("same", stamp)), new Dictionary<string, RunIndexEntry> { ["same"] = Entry("same", stamp: stamp) }).ChangesIndex);
    }

    // ---- the query ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(200, true)]
    [InlineData(200L, true)]
    [InlineData(200.0, true)]
    [InlineData("200", true)]
    [InlineData(201, false)]
    [InlineData("two hundred", false)]
    [InlineData(true, false)]
    [InlineData(null, false)]
    public void A_param_compares_with_an_integer_by_type(object? given, bool equal) => Assert.Equal(equal, RunParams.Equal(I(200), given));

    [Theory]
    [InlineData("GBM", true)]
    [InlineData("gbm ", false)]
    [InlineData(1, false)]
    public void A_param_compares_with_text_case_insensitively(object given, bool equal) => Assert.Equal(equal, RunParams.Equal(S("gbm"), given));

    [Fact]
    public void Params_compare_as_booleans_floats_and_nulls()
    {
        Assert.True(RunParams.Equal(B(true), true));
        Assert.True(RunParams.Equal(B(true), "True"));
        Assert.False(RunParams.Equal(B(true), 1));
        Assert.True(RunParams.Equal(F(0.01), 0.01));
        Assert.True(RunParams.Equal(F(0.01), 0.01m));
        Assert.False(RunParams.Equal(F(0.01), 0.011));
        Assert.True(RunParams.Equal(ConfigNull.Instance, null));
        Assert.False(RunParams.Equal(ConfigNull.Instance, 0));
    }

    [Fact]
    public void The_query_keeps_runs_by_status_creation_time_and_params()
    {
        var runs = Seq(
            Run(Entry("a", 0, @params: Seq1<(string, ConfigValue)>(("model.trees", I(100))))),
            Run(Entry("b", 10, @params: Seq1<(string, ConfigValue)>(("model.trees", I(200))), status: RunStatus.Failed)),
            Run(Entry("c", 20, @params: Seq1<(string, ConfigValue)>(("Model.Trees", I(200))))));
        string[] Kept(RunQuery q) => [.. runs.Filter(q.Keeps).Map(r => r.Entry.Directory)];
        Assert.Equal(["a", "b", "c"], Kept(RunQuery.All));
        Assert.Equal(["b"], Kept(RunQuery.All with { Statuses = Seq1(RunStatus.Failed) }));
        Assert.Equal(["b", "c"], Kept(RunQuery.All with { Since = T0.AddMinutes(10) }));
        Assert.Equal(["a"], Kept(RunQuery.All with { Until = T0.AddMinutes(10) }));
        Assert.Equal(["b", "c"], Kept(RunQuery.All with { Params = Seq1<(string, object?)>(("model.trees", 200)) }));
        Assert.Empty(Kept(RunQuery.All with { Params = Seq1<(string, object?)>(("model.depth", 200)) }));
    }

    [Fact]
    public void By_orders_by_a_metric_highest_first_runs_without_it_last_and_Top_cuts()
    {
        var runs = Seq(
            Run(Entry("a", 0, metrics: Seq1(("cv/auc", 0.7)))),
            Run(Entry("b", 1)),
            Run(Entry("c", 2, metrics: Seq1(("cv/auc", 0.9)))),
            Run(Entry("d", 3, metrics: Seq1(("cv/auc", 0.8)))));
        string[] Order(RunQuery q) => [.. Expect.Succ(q.Order(runs)).Map(r => r.Entry.Directory)];
        Assert.Equal(["a", "b", "c", "d"], Order(RunQuery.All));
        Assert.Equal(["c", "d", "a", "b"], Order(RunQuery.All with { By = "cv/auc" }));
        Assert.Equal(["a", "d", "c", "b"], Order(RunQuery.All with { By = "cv/auc", Ascending = true }));
        Assert.Equal(["c", "d"], Order(RunQuery.All with { By = "cv/auc", Top = 2 }));
        Assert.Equal(["c", "d"], Order(RunQuery.All with { Top = 2 }));
    }

    [Fact]
    public void By_a_metric_no_run_has_names_the_metrics_that_look_like_it()
    {
        var runs = Seq1(Run(Entry("a", metrics: Seq(("cv/auc", 0.7), ("cv/logloss", 0.3)))));
        Expect.Error(new SortMetricNotFound("cv/au", Seq1("cv/auc")), (RunQuery.All with { By = "cv/au" }).Order(runs));
        Assert.Empty(Expect.Succ((RunQuery.All with { By = "cv/au" }).Order(Seq<IndexedRun>())));
    }
}
