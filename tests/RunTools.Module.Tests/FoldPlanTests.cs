using System.Management.Automation;
using System.Text.Json;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>New-RunFoldPlan end to end: the plan stored in the run as data, parameters over config, named plans,
/// skipping, and the errors that leave the run as it was.</summary>
public sealed class FoldPlanTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    static JsonElement Stage(JsonDocument manifest, string name) =>
        manifest.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public void A_fold_plan_is_stored_in_the_run_as_a_table_and_a_summary()
    {
        var run = ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));

        var plan = Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);

        Assert.Equal((Path.GetFileName(run), "folds", "stratified_group", 3, 1), (plan.Text("Run"), plan.Text("Name"), plan.Text("Kind"), (int)plan.Get("Folds")!, (int)plan.Get("Repeats")!));
        Assert.Equal((true, true, 1200, false), ((bool)plan.Get("Nested")!, (bool)plan.Get("Production")!, (int)plan.Get("Rows")!, (bool)plan.Get("Skipped")!));
        Assert.Matches("^[0-9a-f]{64}$", plan.Text("ContentHash"));
        Assert.Equal(("folds/folds.parquet", "folds/folds.json", run), (plan.Text("Path"), plan.Text("Summary"), plan.Text("RunPath")));
        Assert.Equal(["folds/folds.json", "folds/folds.parquet"], Files(run, "folds"));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "folds/folds.json")));
        Assert.Equal(plan.Text("ContentHash"), summary.RootElement.GetProperty("content_hash").GetString());
        using var manifest = Expect.Manifest(run);
        var record = manifest.RootElement.GetProperty("fold_plans").EnumerateArray().Single();
        Assert.Equal(plan.Text("ContentHash"), record.GetProperty("content_sha256").GetString());
        Assert.Equal("completed", Stage(manifest, "folds").GetProperty("status").GetString());
        var artifacts = manifest.RootElement.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("path").GetString()!, a => a.GetProperty("kind").GetString());
        Assert.Equal("fold_plan", artifacts["folds/folds.parquet"]);
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void Every_row_is_tested_once_patients_never_straddle_folds_and_inner_folds_stay_inside_their_outer_training_rows()
    {
        var run = ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);

        var rows = ps.Table(run, "folds/folds.parquet");
        Assert.Equal(["repeat", "outer_fold", "inner_fold", "row_key", "role", "row"], rows.Columns());
        // 'row' is the data row's index (from 0): it names the row whose id is row_key.
        var ids = File.ReadAllLines(Path.Combine(Repo.Root, "examples", "data", "patients.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[0]).ToArray();
        Assert.All(rows, r => Assert.Equal(ids[(long)r["row"]!], r["row_key"]));

        var test = ps.TestFolds(run);
        Assert.Equal(1200, test.Count);          // ToDictionary would have thrown on a row tested twice
        var patient = File.ReadAllLines(ps.PathOf("patients.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .ToDictionary(c => c[0], c => c[1]);
        Assert.All(test.GroupBy(kv => patient[kv.Key]), visits => Assert.Single(visits.Select(v => v.Value).Distinct()));
        Assert.Equal([0L, 1L, 2L], test.Values.Distinct().Order());

        foreach (var outer in new[] { 0L, 1L, 2L, -1L })
        {
            var train = ps.TrainKeys(run, outer);
            Assert.Equal(outer < 0 ? 1200 : 1200 - test.Count(kv => kv.Value == outer), train.Count);
            var inner = rows.Where(r => (long)r["outer_fold"]! == outer && (long)r["inner_fold"]! >= 0).ToList();
            Assert.Equal([0L, 1L], inner.Select(r => (long)r["inner_fold"]!).Distinct().Order());
            Assert.All(inner, r => Assert.Contains((string)r["row_key"]!, train));
            Assert.All(inner, r => Assert.Contains((string)r["role"]!, new[] { "train", "validation" }));
        }
    }

    [Fact]
    public void Parameters_override_the_config()
    {
        var run = ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));

        var plan = Expect.Single(ps.Run("$r | New-RunFoldPlan -Kind Group -Folds 4 -Seed 3 -InnerKind kfold -InnerFolds 3"), FoldPlanInfo);

        Assert.Equal(("group", 4), (plan.Text("Kind"), (int)plan.Get("Folds")!));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "folds/folds.json")));
        var spec = summary.RootElement.GetProperty("spec");
        Assert.Equal((3UL, "kfold", 3), (spec.GetProperty("seed").GetUInt64(), spec.GetProperty("inner").GetProperty("kind").GetString(), spec.GetProperty("inner").GetProperty("k").GetInt32()));
        Assert.Equal([0L, 1L, 2L, 3L], ps.TestFolds(run).Values.Distinct().Order());
    }

    [Fact]
    public void The_same_plan_again_is_skipped_and_Force_computes_the_same_plan_again()
    {
        var run = ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));
        var first = Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        var before = ps.Snapshot(run);

        var again = Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        Assert.True((bool)again.Get("Skipped")!);
        Assert.Equal(first.Text("ContentHash"), again.Text("ContentHash"));
        Assert.Equal(before[Path.Combine("folds", "folds.parquet")], ps.Snapshot(run)[Path.Combine("folds", "folds.parquet")]);

        var forced = Expect.Single(ps.Run("$r | New-RunFoldPlan -Force"), FoldPlanInfo);
        Assert.False((bool)forced.Get("Skipped")!);
        Assert.Equal(first.Text("ContentHash"), forced.Text("ContentHash"));
        using var manifest = Expect.Manifest(run);
        Assert.Equal(2, Stage(manifest, "folds").GetProperty("attempt").GetInt32());

        var reseeded = Expect.Single(ps.Run("$r | New-RunFoldPlan -Seed 99"), FoldPlanInfo);
        Assert.False((bool)reseeded.Get("Skipped")!);
        Assert.NotEqual(first.Text("ContentHash"), reseeded.Text("ContentHash"));
    }

    [Fact]
    public void A_named_plan_has_its_own_files_and_stage_and_training_can_use_it()
    {
        var run = ps.NewRun("r", QuickBinaryConfig, ps.CopyExample("patients.csv"));

        var plan = Expect.Single(ps.Run("$r | New-RunFoldPlan alt -Folds 4"), FoldPlanInfo);

        Assert.Equal(("alt", "folds/alt.parquet", "folds/alt.json"), (plan.Text("Name"), plan.Text("Path"), plan.Text("Summary")));
        Assert.Equal(["folds/alt.json", "folds/alt.parquet"], Files(run, "folds"));
        using (var manifest = Expect.Manifest(run))
            Assert.Equal("completed", Stage(manifest, "folds-alt").GetProperty("status").GetString());

        var trained = Expect.Single(ps.Run("$r | Invoke-RunTraining -Plan alt"), TrainingResult);
        Assert.Equal("alt", trained.Text("Plan"));
        Assert.Equal(["production", "r0_f0", "r0_f1", "r0_f2", "r0_f3"],
            Directory.GetDirectories(Path.Combine(run, "models")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using (var manifest = Expect.Manifest(run))
            Assert.Equal(["folds-alt"], Stage(manifest, "train").GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void WhatIf_leaves_the_disk_unchanged()
    {
        ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));
        var before = ps.Snapshot();

        var result = ps.Run("$r | New-RunFoldPlan -WhatIf");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot());
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    /// <summary>Runs New-RunFoldPlan on a run whose config or data cannot give a plan, and returns its only error. The
    /// settings are read before the stage starts (a bad one changes nothing); what only planning finds out (too
    /// few rows, a missing column the kind needs) fails the started stage, which records the error. Either way no
    /// plan file is written.</summary>
    /// <summary>A refused plan: the error comes before the stage starts (planning is checked first), so nothing in the
    /// run changes.</summary>
    ErrorRecord Refused(string config, string data, string errorId, ErrorCategory category, object target)
    {
        var run = ps.NewRun("r", config, data);
        var before = ps.Snapshot(run);

        var result = ps.Run("$r | New-RunFoldPlan");

        var e = Expect.Error(result, errorId, "NewRunFoldPlan", category, target);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(Path.Combine(run, "folds")));
        using var manifest = Expect.Manifest(run);
        Assert.Empty(manifest.RootElement.GetProperty("fold_plans").EnumerateArray());
        Expect.Unchanged(before, ps.Snapshot(run));
        return e;
    }

    [Fact]
    public void Fewer_rows_than_folds_is_TooFewRows()
    {
        var data = ps.Write("few.csv", "id,x,label\na,1,0\nb,2,1\nc,3,0\nd,4,1\n");
        var e = Refused("data: { label: label, id: id }\nfolds: { kind: kfold, k: 5 }", data, "TooFewRows", ErrorCategory.InvalidData, "folds.k");
        Assert.Contains("4", e.Exception.Message);
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void A_class_with_fewer_members_than_folds_is_ClassTooSmall()
    {
        var data = ps.Write("small.csv", "id,x,label\n" + string.Join("\n", Enumerable.Range(0, 20).Select(i => $"r{i},{i},{(i < 2 ? "rare" : "common")}")) + "\n");
        var e = Refused("data: { label: label, id: id }\nfolds: { kind: stratified, k: 3 }", data, "ClassTooSmall", ErrorCategory.InvalidData, "rare");
        Assert.Contains("folds.k", e.Exception.Message);
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void Group_folds_without_a_group_column_is_FoldColumnMissing()
    {
        var e = Refused("data: { label: label, id: visit_id }\nfolds: { kind: group, k: 3 }", ps.CopyExample("patients.csv"),
            "FoldColumnMissing", ErrorCategory.InvalidArgument, "group");
        Assert.Contains("group", e.Exception.Message);
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void An_inner_kind_that_needs_a_missing_column_is_FoldColumnMissing_too()
    {
        Refused("data: { label: label, id: visit_id }\nfolds: { kind: kfold, k: 3, inner: { kind: stratified_group, k: 2 } }", ps.CopyExample("patients.csv"),
            "FoldColumnMissing", ErrorCategory.InvalidArgument, "group");
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void A_config_without_fold_settings_is_FoldSpecInvalid()
    {
        Refused("data: { label: label, id: visit_id }", ps.CopyExample("patients.csv"), "FoldSpecInvalid", ErrorCategory.InvalidArgument, "folds");
        Expect.AllOk(ps.Run("Test-Run $r"));
    }

    [Fact]
    public void A_data_file_changed_after_New_Run_is_DataFileChanged()
    {
        var data = ps.CopyExample("patients.csv");
        var run = ps.NewRun("r", BinaryConfig, data);
        File.AppendAllText(data, "v9999,p9999,1,0,0,0,0,0,0,no,A,1\n");
        var before = ps.Snapshot(run);

        var result = ps.Run("$r | New-RunFoldPlan");

        var e = Expect.Error(result, "DataFileChanged", "NewRunFoldPlan", ErrorCategory.InvalidData, data);
        Assert.Contains("Create a new run", e.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(run));
        // The run itself is intact; only its input no longer matches.
        var checks = Expect.Checks(ps.Run("Test-Run $r"));
        Assert.Equal([$"input {data} Modified"], checks.Where(c => !c.EndsWith(" Ok", StringComparison.Ordinal)));
    }
}
