using System.Management.Automation;
using System.Text.Json;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>Training, fold plans and inference from a Parquet file with DATE, TIMESTAMP (naive and UTC, every unit,
/// legacy and INT96), DECIMAL in every physical encoding, booleans, and list and map columns (see
/// <see cref="TypedParquet"/>).</summary>
public sealed class ColumnTypeTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string data;

    public ColumnTypeTests()
    {
        data = ps.PathOf("typed.parquet");
        TypedParquet.Write(data, 240).GetAwaiter().GetResult();
    }

    public void Dispose() => ps.Dispose();

    static string Excluded(params string[] columns) => $"[{string.Join(", ", columns)}]";

    const string Quick = "training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }";

    [Fact]
    public void A_model_trains_and_scores_with_decimals_of_every_encoding_and_a_boolean_as_features_a_timestamp_as_id_and_a_date_as_group()
    {
        var run = ps.NewRun("r", $$"""
            data: { label: label, id: at_utc, group: day, exclude: {{Excluded(["at", "at_ns", "at_legacy", "at_int96"])}} }
            folds: { kind: stratified_group, k: 3, seed: 7, production: true }
            {{Quick}}
            """, data);

        using (var manifest = Expect.Manifest(run))
        {
            var input = manifest.RootElement.GetProperty("inputs").EnumerateArray().Single();
            Assert.Equal(["day", .. TypedParquet.Timestamps, .. TypedParquet.Decimals, "x", "flag", "label"],
                input.GetProperty("columns").GetProperty("items").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal(["price32 9 2", "price64 18 4", "price_fixed 10 2", "price38 38 18", "price_bytes 12 3"],
                input.GetProperty("decimals").EnumerateArray().Select(d => $"{d.GetProperty("column").GetString()} {d.GetProperty("precision").GetInt32()} {d.GetProperty("scale").GetInt32()}"));
            Assert.Equal([.. TypedParquet.Decimals, "x", "flag"], manifest.RootElement.GetProperty("feature_list").GetProperty("items").EnumerateArray().Select(c => c.GetString()));
        }
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult);

        // The id's text form is ISO-8601 UTC; a day (the group) is never split between a fold's training and test rows.
        var test = ps.TestFolds(run);
        Assert.Equal(240, test.Count);
        Assert.Contains("2024-01-01T05:00:00Z", test.Keys);
        // Row r is at hour r and on day r / 4 (the day column).
        int Row(string key) => (int)(DateTime.Parse(key, null, System.Globalization.DateTimeStyles.AdjustToUniversal) - TypedParquet.Start).TotalHours;
        Assert.All(test.GroupBy(kv => Row(kv.Key) / 4), day => Assert.Single(day.Select(kv => kv.Value).Distinct()));
        var oof = ps.Table(run, "predictions/oof.parquet");
        Assert.Equal(240, oof.Count);

        var scored = ps.Run($"$r | Invoke-RunInference '{data}' '{ps.PathOf("scored.parquet")}' -Root '{ps.PathOf("inference")}'");
        scored.AssertNoErrors();
        Assert.Equal(240, (int)Expect.Single(scored, InferenceResult).Get("Rows")!);
        Assert.True(File.Exists(ps.PathOf("scored.parquet")));
    }

    [Fact]
    public void A_walk_forward_plan_orders_rows_by_a_naive_timestamp_and_its_summary_shows_instants()
    {
        var run = ps.NewRun("r", $$"""
            data: { label: label, time: at, exclude: {{Excluded(["day", "at_utc", "at_ns", "at_legacy", "at_int96"])}} }
            folds: { kind: walk_forward, k: 3 }
            {{Quick}}
            """, data);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "folds/folds.json")));
        var times = summary.RootElement.GetProperty("times");
        Assert.Equal("2024-01-01T00:00:00.0000000Z", times.GetProperty("first").GetString());
        Assert.Equal("2024-01-10T23:00:00.0000000Z", times.GetProperty("last").GetString());
        Assert.Equal(240, times.GetProperty("points").GetInt32());
        var test = ps.TestFolds(run);
        foreach (var fold in test.GroupBy(kv => kv.Value))
        {
            // Row keys are row numbers, and rows are an hour apart: every test row comes after every training row.
            var lastTrain = ps.TrainKeys(run, fold.Key).Max(int.Parse);
            Assert.All(fold, kv => Assert.True(int.Parse(kv.Key) > lastTrain));
        }
        Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult);
    }

    [Theory]
    [InlineData("at", "timestamp (naive)")]
    [InlineData("at_utc", "timestamp (UTC)")]
    [InlineData("at_int96", "timestamp (naive)")]
    [InlineData("day", "date")]
    public void A_date_or_timestamp_feature_is_refused_with_how_to_derive_features_from_it(string column, string type)
    {
        string[] all = ["day", .. TypedParquet.Timestamps];
        var others = all.Where(c => c != column).ToArray();
        ps.NewRun("r", $$"""
            data: { label: label, exclude: {{Excluded([.. others])}} }
            folds: { kind: stratified, k: 3 }
            {{Quick}}
            """, data);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);

        var error = Expect.Errors(ps.Run("$r | Invoke-RunTraining"), "InvokeRunTraining", ("ColumnRoleUnsupported", ErrorCategory.InvalidData, column)).Single();
        Assert.Contains($"the column '{column}' is a {type} column, which cannot be a feature (data.features)", error.Exception.Message);
        Assert.Contains($"Add '{column}' to data.exclude", error.Exception.Message);
        Assert.Contains("day of the week", error.Exception.Message);
        Assert.Contains("data.time", error.Exception.Message);
    }

    [Fact]
    public async Task A_list_column_that_is_used_is_refused_naming_the_setting_while_excluded_list_and_map_columns_are_ignored()
    {
        var nested = ps.PathOf("nested.parquet");
        await TypedParquet.WriteNested(nested, 120);
        ps.NewRun("used", """
            data: { label: Label, exclude: [Attributes] }
            folds: { kind: stratified, k: 3 }
            training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """, nested);
        Expect.Single(ps.Run("$used | New-RunFoldPlan"), FoldPlanInfo);

        var error = Expect.Errors(ps.Run("$used | Invoke-RunTraining"), "InvokeRunTraining", ("ColumnRoleUnsupported", ErrorCategory.InvalidData, "Tags")).Single();
        Assert.Contains("the column 'Tags' is a list column, which cannot be a feature (data.features): add 'Tags' to data.exclude", error.Exception.Message);

        ps.NewRun("ignored", """
            data: { label: Label, exclude: [Tags, Attributes] }
            folds: { kind: stratified, k: 3 }
            training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """, nested);
        Expect.Single(ps.Run("$ignored | New-RunFoldPlan"), FoldPlanInfo);
        Expect.Single(ps.Run("$ignored | Invoke-RunTraining"), TrainingResult);
    }

    [Fact]
    public void Every_encoding_reads_back_the_values_written_with_the_zone_each_recorded()
    {
        var run = Expect.Single(ps.Run("$t = New-Run -Name t; $t"), Expect.RunInfo).Text("Path");
        File.Copy(data, Path.Combine(run, "typed.parquet"));

        var rows = ps.Run("Import-RunTable -Run $t -Path typed.parquet").Output;

        Assert.Equal(240, rows.Count);
        for (var r = 0; r < rows.Count; r += 17)
        {
            var hour = TypedParquet.Start.AddHours(r);
            Assert.Equal(TypedParquet.Start.AddDays(r / 4), rows[r].Get("day"));
            foreach (var (column, kind) in new[] { ("at", DateTimeKind.Unspecified), ("at_utc", DateTimeKind.Utc), ("at_ns", DateTimeKind.Utc),
                         ("at_legacy", DateTimeKind.Utc), ("at_int96", DateTimeKind.Unspecified) })
            {
                var value = Assert.IsType<DateTime>(rows[r].Get(column));
                Assert.Equal((hour, kind), (value, value.Kind));
            }
            foreach (var column in TypedParquet.Decimals)
                Assert.Equal((double)TypedParquet.Price(r), rows[r].Get(column));
            Assert.Equal(r % 3 == 0, rows[r].Get("flag"));
        }
    }

    [Fact]
    public void Import_RunTable_shows_dates_and_timestamps_as_datetime_values()
    {
        var run = Expect.Single(ps.Run("$t = New-Run -Name t; $t"), Expect.RunInfo).Text("Path");
        var file = Path.Combine(run, "times.csv");
        File.WriteAllLines(file, ["day,at,at_utc,price", "2024-02-29,2024-02-29T10:30:00.25,2024-02-29 10:30:00+01:00,1.50", "2024-03-01,,2024-03-01T00:00:00Z,"]);

        var rows = ps.Run("Import-RunTable -Run $t -Path times.csv").Output;

        Assert.Equal(2, rows.Count);
        Assert.Equal(new DateTime(2024, 2, 29), rows[0].Get("day"));
        var at = Assert.IsType<DateTime>(rows[0].Get("at"));
        Assert.Equal((new DateTime(2024, 2, 29, 10, 30, 0, 250), DateTimeKind.Unspecified), (at, at.Kind));
        var utc = Assert.IsType<DateTime>(rows[0].Get("at_utc"));
        Assert.Equal((new DateTime(2024, 2, 29, 9, 30, 0), DateTimeKind.Utc), (utc, utc.Kind));
        Assert.Null(rows[1].Get("at"));
        Assert.Equal(1.5, rows[0].Get("price"));
    }
}
