using FsCheck.Xunit;
using RunTools.Comparison;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tests.Manifests;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Comparison;

public sealed class RunDiffTests
{
    const string B = "20260302_090000_tuned";

    /// <summary>A finished reference run: two stages, two metrics.</summary>
    static RunManifest Reference() => Apply(NewRun(),
        Status(1, RunStatus.Pending, RunStatus.Running),
        Started(2, "prepare"), Ended(3, "prepare", 1, StageStatus.Completed),
        Started(4, "train"), Ended(5, "train", 1, StageStatus.Completed),
        new MetricWritten(At(6), "auc", 0.75, null, "train"),
        new MetricWritten(At(7), "loss", 0.5, null, "train"),
        Status(8, RunStatus.Running, RunStatus.Completed));

    static RunManifest Like(RunManifest m) => m with { Name = B, RunId = Guid.Empty };

    static RunDifference Row(string section, string key, object? reference, object? difference, string side, double? delta = null, double? relative = null) =>
        new(RunName, B, section, key, reference, difference, delta, relative, side);

    static Seq<RunDifference> Section(Seq<RunDifference> rows, string section) => rows.Filter(r => r.Section == section);

    [Fact]
    public void A_run_compared_with_an_identical_one_has_no_differences()
    {
        var a = Reference();
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(a, Like(a)));
    }

    [Fact]
    public void Config_changes_have_numeric_deltas_and_missing_keys_have_side_indicators()
    {
        var a = Reference() with { Config = M(("model", M(("trees", I(200)), ("lr", F(0.5)), ("depth", I(6)), ("seed", I(0)), ("kind", S("gbdt"))))) };
        var b = Like(a) with { Config = M(("model", M(("seed", I(5)), ("lr", F(0.25)), ("kind", S("dart")), ("trees", I(300)), ("subsample", F(0.75))))) };

        Assert.Equal(
            Seq(Row("config", "model.trees", 200L, 300L, "<>", 100, 0.5),
                Row("config", "model.lr", 0.5, 0.25, "<>", -0.25, -0.5),
                Row("config", "model.depth", 6L, null, "<="),
                Row("config", "model.seed", 0L, 5L, "<>", 5, null),
                Row("config", "model.kind", "gbdt", "dart", "<>"),
                Row("config", "model.subsample", null, 0.75, "=>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void The_relative_delta_is_relative_to_the_size_of_the_reference()
    {
        var a = Reference() with { Config = M(("bias", F(-2.0)), ("shift", I(-4))) };
        var b = Like(a) with { Config = M(("bias", F(-1.0)), ("shift", I(-6))) };
        Assert.Equal(
            Seq(Row("config", "bias", -2.0, -1.0, "<>", 1, 0.5), Row("config", "shift", -4L, -6L, "<>", -2, -0.5)),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void A_key_present_with_null_differs_from_a_missing_key()
    {
        var a = Reference() with { Config = M(("x", Null), ("y", Null)) };
        var b = Like(a) with { Config = M(("x", Null)) };
        Assert.Equal(Seq1(Row("config", "y", null, null, "<=")), RunDiff.Between(a, b));
        Assert.Equal(Seq1(new RunDifference(B, RunName, "config", "y", null, null, null, null, "=>")), RunDiff.Between(b, a));
    }

    [Fact]
    public void An_int_and_a_float_of_the_same_value_differ_with_a_zero_delta()
    {
        var a = Reference() with { Config = M(("lr", I(1))) };
        var b = Like(a) with { Config = M(("lr", F(1.0))) };
        Assert.Equal(Seq1(Row("config", "lr", 1L, 1.0, "<>", 0, 0)), RunDiff.Between(a, b));
    }

    [Fact]
    public void Lists_compare_by_their_items()
    {
        var a = Reference() with { Config = M(("layers", L(I(64), I(32))), ("tags", L(S("a")))) };
        var b = Like(a) with { Config = M(("layers", L(I(64), I(32))), ("tags", L(S("a"), S("b")))) };
        var row = Assert.Single(RunDiff.Between(a, b));
        Assert.Equal(("tags", "<>"), (row.Key, row.SideIndicator));
        Assert.Equal(new object?[] { "a" }, ((RunTools.Views.ValueList)row.ReferenceValue!).ToArray());
        Assert.Equal(new object?[] { "a", "b" }, ((RunTools.Views.ValueList)row.DifferenceValue!).ToArray());
        // A list shows as YAML flow text in the view and in a CSV column.
        Assert.Equal(("[a]", "[a, b]"), (row.ReferenceValue!.ToString(), row.DifferenceValue!.ToString()));
    }

    [Fact]
    public void Maps_inside_config_values_compare_by_content()
    {
        var config = M(("empty", M()), ("folds", L(M(("k", I(5))), M(("k", I(10)))))) ;
        var a = Reference() with { Config = config };
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(a, Like(a)));
        var changed = Like(a) with { Config = M(("empty", M()), ("folds", L(M(("k", I(5))), M(("k", I(11)))))) };
        Assert.Equal(Seq1("folds"), RunDiff.Between(a, changed).Map(r => r.Key));
        // Key order inside a map does not make a difference (as for the config hash).
        var reordered = Reference() with { Config = M(("grid", L(M(("a", I(1)), ("b", I(2)))))) };
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(reordered, Like(reordered) with { Config = M(("grid", L(M(("b", I(2)), ("a", I(1)))))) }));
        Assert.Single(RunDiff.Between(reordered, Like(reordered) with { Config = M(("grid", L(M(("a", I(1)), ("c", I(2)))))) }));
    }

    [Fact]
    public void Keys_that_flatten_alike_pair_up_in_order()
    {
        // {"a.b": 1, a: {b: 2}} flattens to a.b twice (see ConfigPaths.Flatten).
        var a = Reference() with { Config = M(("a.b", I(1)), ("a", M(("b", I(2))))) };
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(a, Like(a)));
        Assert.Equal(Seq("==", "=="), RunDiff.Between(a, Like(a), includeEqual: true).Filter(r => r.Section == "config").Map(r => r.SideIndicator));

        var b = Like(a) with { Config = M(("a.b", I(1)), ("a", M(("b", I(3))))) };
        Assert.Equal(Seq1(Row("config", "a.b", 2L, 3L, "<>", 1, 0.5)), RunDiff.Between(a, b));
        var c = Like(a) with { Config = M(("a.b", I(1))) };
        Assert.Equal(Seq1(Row("config", "a.b", 2L, null, "<=")), RunDiff.Between(a, c));
    }

    [Fact]
    public void Label_and_features_added_or_removed()
    {
        var a = Reference() with { FeatureList = new NameList(Seq("x1", "x2")) };
        var b = Like(a) with { Label = "target", FeatureList = new NameList(Seq("x3", "x2")) };
        Assert.Equal(
            Seq(Row("data", "label", "y", "target", "<>"),
                Row("features", "x1", "present", null, "<="),
                Row("features", "x3", null, "present", "=>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void Input_hash_rows_bytes_and_columns()
    {
        var a = Reference();
        var input = Train with { Sha256 = Sha('e'), Rows = 150, Columns = new NameList(Seq("id", "x1", "x2", "y", "x3")) };
        var b = Like(a) with { Inputs = Seq1(input) };
        Assert.Equal(
            Seq(Row("inputs", "data/train.csv.sha256", Sha('d'), Sha('e'), "<>"),
                Row("inputs", "data/train.csv.rows", 100L, 150L, "<>", 50, 0.5),
                Row("inputs", "data/train.csv.columns", Train.Columns.Sha256, input.Columns.Sha256, "<>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void Rows_unknown_on_one_side_have_no_delta()
    {
        var a = Reference();
        var b = Like(a) with { Inputs = Seq1(Train with { Rows = null }) };
        Assert.Equal(Seq1(Row("inputs", "data/train.csv.rows", 100L, null, "<>")), RunDiff.Between(a, b));
    }

    [Fact]
    public void Inputs_only_one_run_has()
    {
        var a = Reference();
        var other = Train with { Path = "data/test.csv", Rows = null };
        var b = Like(a) with { Inputs = Seq(Train, other) };
        Assert.Equal(
            Seq(Row("inputs", "data/test.csv.sha256", null, Sha('d'), "=>"),
                Row("inputs", "data/test.csv.bytes", null, 4096L, "=>"),
                Row("inputs", "data/test.csv.rows", null, null, "=>"),
                Row("inputs", "data/test.csv.columns", null, Train.Columns.Sha256, "=>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void Environment_versions_processors_and_listed_variables()
    {
        var a = Reference();
        var env = Env with
        {
            DotNetVersion = "10.0.13", ProcessorCount = 16,
            Variables = Seq(new EnvironmentVariable("OMP_NUM_THREADS", "4"), new EnvironmentVariable("SEED", null)),
        };
        var b = Like(a) with { Environment = env };
        Assert.Equal(
            Seq(Row("environment", "dotnet", "10.0.12", "10.0.13", "<>"),
                Row("environment", "processor_count", 8L, 16L, "<>", 8, 1),
                Row("environment", "variables.CUDA_VISIBLE_DEVICES", "0", null, "<="),
                Row("environment", "variables.OMP_NUM_THREADS", null, "4", "<>"),
                Row("environment", "variables.SEED", null, null, "=>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void Git_state_changes()
    {
        var a = Reference();
        var b = Like(a) with { Git = Git with { Branch = null, Dirty = true } };
        Assert.Equal(
            Seq(Row("git", "branch", "main", null, "<>"), Row("git", "dirty", false, true, "<>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void Git_missing_on_one_side_makes_every_git_key_one_sided()
    {
        var a = Reference();
        var b = Like(a) with { Git = null };
        Assert.Equal(
            Seq(Row("git", "commit", Git.Commit, null, "<="), Row("git", "branch", "main", null, "<="), Row("git", "dirty", false, null, "<=")),
            RunDiff.Between(a, b));
        Assert.Equal(
            Seq("=>", "=>", "=>"),
            RunDiff.Between(b, a).Map(r => r.SideIndicator));
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(b, Like(b)));
    }

    [Fact]
    public void Run_status_stage_status_and_metric_deltas()
    {
        var a = Reference();
        var b = Like(Apply(NewRun(),
            Status(1, RunStatus.Pending, RunStatus.Running),
            Started(2, "prepare"), Ended(3, "prepare", 1, StageStatus.Completed),
            Started(4, "train"), Ended(5, "train", 1, StageStatus.Failed),
            Started(6, "eval"),
            new MetricWritten(At(7), "auc", 0.875, null, "train"),
            new MetricWritten(At(8), "f1", 0.5, null, "train"),
            Status(9, RunStatus.Running, RunStatus.Failed))) with { PackageVersion = "0.2.0" };

        Assert.Equal(
            Seq(Row("run", "status", "completed", "failed", "<>"),
                Row("run", "package_version", "0.1.0", "0.2.0", "<>"),
                Row("stages", "train.status", "completed", "failed", "<>"),
                Row("stages", "eval.status", null, "running", "=>"),
                Row("metrics", "auc", 0.75, 0.875, "<>", 0.125, 0.125 / 0.75),
                Row("metrics", "loss", 0.5, null, "<="),
                Row("metrics", "f1", null, 0.5, "=>")),
            RunDiff.Between(a, b));
    }

    [Fact]
    public void IncludeEqual_adds_equal_rows_in_section_order()
    {
        var a = Reference();
        var b = Like(a) with { Config = a.Config is ConfigMap c ? c.With("model", M(("trees", I(300)), ("lr", F(0.5)))) : a.Config };
        var rows = RunDiff.Between(a, b, includeEqual: true);

        Assert.Equal(
            Seq(Row("run", "status", "completed", "completed", "=="),
                Row("run", "package_version", "0.1.0", "0.1.0", "=="),
                Row("config", "data.label", "y", "y", "=="),
                Row("config", "data.id", "id", "id", "=="),
                Row("config", "model.trees", 200L, 300L, "<>", 100, 0.5),
                Row("config", "model.lr", 0.5, 0.5, "==", 0, 0),
                Row("data", "label", "y", "y", "=="),
                Row("features", "x1", "present", "present", "=="),
                Row("features", "x2", "present", "present", "==")),
            rows.Take(9).ToSeq());
        Assert.Equal(Seq("run", "config", "data", "features", "inputs", "environment", "git", "stages", "metrics"), RunDiff.Sections);
        Assert.Equal(RunDiff.Sections, rows.Map(r => r.Section).Distinct());
        Assert.Equal(Seq(200L, 300L), Section(rows, "config").Filter(r => r.SideIndicator == "<>").Bind(r => Seq(r.ReferenceValue!, r.DifferenceValue!)).Map(v => (long)v));
        Assert.Equal(4, Section(rows, "inputs").Count);
        Assert.Equal(7, Section(rows, "environment").Count);
        Assert.Equal(3, Section(rows, "git").Count);
        Assert.Equal(Seq("prepare.status", "train.status"), Section(rows, "stages").Map(r => r.Key));
        Assert.Equal(Seq("auc", "loss"), Section(rows, "metrics").Map(r => r.Key));
        Assert.Single(rows, r => r.SideIndicator != "==");
    }

    [Fact]
    public void The_side_indicators_are_Compare_Object_s() =>
        Assert.Equal(("==", "<>", "<=", "=>"), (RunDiff.Equal, RunDiff.Changed, RunDiff.ReferenceOnly, RunDiff.DifferenceOnly));

    // ---- properties over random valid runs ------------------------------------------------------------------

    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 300)]
    public void A_run_does_not_differ_from_itself(RunScript script)
    {
        var (_, a) = RunScripts.Play(script);
        Assert.Empty(RunDiff.Between(a, a).Filter(r => r.SideIndicator != RunDiff.Equal));
        Assert.All(RunDiff.Between(a, a, includeEqual: true), r => Assert.Equal(RunDiff.Equal, r.SideIndicator));
    }

    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 300)]
    public void With_IncludeEqual_every_config_key_appears_once(RunScript script)
    {
        var (_, a) = RunScripts.Play(script);
        // One row per flattened entry, in the flattened order (a key two entries flatten to appears twice).
        var keys = ConfigPaths.Flatten(a.Config).Map(kv => kv.Key);
        var rows = RunDiff.Between(a, a, includeEqual: true).Filter(r => r.Section == "config").Map(r => r.Key);
        Assert.Equal(keys, rows);
    }
}
