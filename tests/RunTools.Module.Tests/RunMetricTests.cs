using System.Management.Automation;

namespace RunTools.Module.Tests;

/// <summary>Write-RunMetric and Get-RunMetric.</summary>
public sealed class RunMetricTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public RunMetricTests() => dir = Expect.Single(ps.Run("$run = New-Run -Name r; $run"), Expect.RunInfo).Text("Path");

    public void Dispose() => ps.Dispose();

    [Fact]
    public void A_single_value_is_summarised_in_the_run_and_writes_nothing_without_PassThru()
    {
        var result = ps.Run("Write-RunMetric -Run $run auc 0.91");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        var run = Expect.Single(ps.Run("Get-Run -Path $run"), Expect.RunInfo);
        Assert.Equal(0.91, ((System.Collections.IDictionary)run.Get("Metrics")!)["auc"]);
        using var manifest = Expect.Manifest(dir);
        var metric = manifest.RootElement.GetProperty("metrics")[0];
        Assert.Equal("auc", metric.GetProperty("name").GetString());
        Assert.Equal(0.91, metric.GetProperty("last").GetDouble());
        Assert.Equal(1, metric.GetProperty("count").GetInt64());
    }

    [Fact]
    public void PassThru_returns_the_written_points_as_MetricRecords()
    {
        var result = ps.Run("Write-RunMetric -Run $run loss 0.5 -Step 3 -Stage fit -PassThru");

        var point = Expect.Single(result, Expect.MetricRecord);
        Assert.Equal("loss", point.Text("Name"));
        Assert.Equal(0.5, point.Get("Value"));
        Assert.Equal(3L, point.Get("Step"));
        Assert.Equal("fit", point.Text("Stage"));
        Assert.Equal(Path.GetFileName(dir), point.Text("Run"));
        Assert.Equal(dir, point.Text("RunPath"));
    }

    [Fact]
    public void The_first_value_starts_the_pending_run_owned_by_this_process_so_it_can_be_completed()
    {
        Assert.Equal("Pending", Expect.Single(ps.Run("Get-Run -Path $run"), Expect.RunInfo).Text("Status"));

        ps.Run("Write-RunMetric -Run $run auc 0.91; Set-RunStatus -Run $run Completed").AssertNoErrors();

        using var manifest = Expect.Manifest(dir);
        Assert.Equal("completed", manifest.RootElement.GetProperty("status").GetString());
        Assert.Equal(Environment.ProcessId, manifest.RootElement.GetProperty("owner").GetProperty("pid").GetInt32());
        Assert.Equal(["created", "status_changed", "metric_written", "status_changed"],
            File.ReadLines(Path.Combine(dir, "events.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()));
    }

    [Fact]
    public void A_hashtable_writes_several_metrics_in_one_event_batch()
    {
        var result = ps.Run("Write-RunMetric -Run $run -Metric @{ auc = 0.9; f1 = 0.75; support = 120 } -Step 1 -PassThru");

        var points = Expect.All(result, Expect.MetricRecord);
        Assert.Equal(new[] { "auc", "f1", "support" }, points.Select(p => p.Text("Name")).Order());
        Assert.All(points, p => Assert.Equal(1L, p.Get("Step")));
        Assert.Equal(120.0, points.Single(p => p.Text("Name") == "support").Get("Value"));
        Assert.Equal(5, Expect.EventLines(dir)); // created; then, in one append, the pending run started and the 3 values
    }

    [Fact]
    public void A_hashtable_is_written_in_name_order_an_ordered_or_generic_dictionary_in_its_own()
    {
        var hashtable = Expect.All(ps.Run("Write-RunMetric -Run $run -Metric @{ zeta = 1; alpha = 2; mid = 3 } -PassThru"), Expect.MetricRecord);
        var ordered = Expect.All(ps.Run("Write-RunMetric -Run $run -Metric ([ordered]@{ zeta = 1; alpha = 2; mid = 3 }) -PassThru"), Expect.MetricRecord);
        var generic = Expect.All(ps.Run("""
            $d = [Collections.Generic.Dictionary[string, double]]::new(); $d['zeta'] = 1; $d['alpha'] = 2
            Write-RunMetric -Run $run -Metric $d -PassThru
            """), Expect.MetricRecord);

        Assert.Equal(["alpha", "mid", "zeta"], hashtable.Select(p => p.Text("Name")));
        Assert.Equal(["zeta", "alpha", "mid"], ordered.Select(p => p.Text("Name")));
        Assert.Equal(["zeta", "alpha"], generic.Select(p => p.Text("Name")));
        Assert.Equal(2.0, generic[1].Get("Value"));
    }

    [Fact]
    public void Values_piped_by_property_name_are_written_together()
    {
        var result = ps.Run("""
            1..3 | ForEach-Object { [pscustomobject]@{ Name = 'loss'; Value = 1.0 / $_; Step = $_ } } | Write-RunMetric -Run $run -PassThru
            """);

        Assert.Equal(new object[] { 1L, 2L, 3L }, Expect.All(result, Expect.MetricRecord).Select(p => p.Get("Step")));
    }

    [Fact]
    public void Piped_values_are_written_in_batches_of_a_thousand()
    {
        var result = ps.Run("""
            1..2500 | ForEach-Object { [pscustomobject]@{ Name = 'loss'; Value = $_; Step = $_ } } | Write-RunMetric -Run $run
            $run | Get-RunMetric
            """);

        // A batch is one append: the first line of an append of several events says how many it holds. A batch holds
        // at most 1,000 values (fewer when the values come slowly: at least once a second, whatever the count); the
        // first also starts the pending run.
        var points = Expect.All(result, Expect.MetricRecord);
        Assert.Equal(Enumerable.Range(1, 2500).Select(i => (object)(long)i), points.Select(p => p.Get("Step")));
        var batches = new List<int>();
        var left = 0;
        var types = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "events.jsonl")).Skip(1))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            types.Add(doc.RootElement.GetProperty("type").GetString()!);
            var metric = types[^1] == "metric_written" ? 1 : 0;
            if (left > 0) { left--; batches[^1] += metric; continue; }
            var size = doc.RootElement.TryGetProperty("batch", out var b) ? b.GetInt32() : 1;
            batches.Add(metric);
            left = size - 1;
        }
        Assert.Equal(0, left);
        Assert.Equal("status_changed", types[0]);
        Assert.Equal(2500, batches.Sum());
        Assert.All(batches, values => Assert.InRange(values, 1, 1000));
        Assert.True(batches.Count >= 3 && batches.Count < 2500, $"{batches.Count} batches");
        using var manifest = Expect.Manifest(dir);
        Assert.Equal(2502, manifest.RootElement.GetProperty("event_count").GetInt64());
    }

    [Fact]
    public void Get_RunMetric_returns_the_whole_history_in_write_order()
    {
        ps.Run("""
            Write-RunMetric -Run $run loss 0.9 -Step 1
            Write-RunMetric -Run $run acc 0.5 -Step 1
            Write-RunMetric -Run $run loss 0.7 -Step 2
            Write-RunMetric -Run $run loss 0.4 -Step 3
            """).AssertNoErrors();

        var all = Expect.All(ps.Run("$run | Get-RunMetric"), Expect.MetricRecord);
        var loss = Expect.All(ps.Run("Get-RunMetric -Run $run lo*"), Expect.MetricRecord);

        Assert.Equal(new[] { "loss 1 0.9", "acc 1 0.5", "loss 2 0.7", "loss 3 0.4" },
            all.Select(p => $"{p.Text("Name")} {p.Get("Step")} {p.Get("Value")}"));
        Assert.Equal(new[] { 0.9, 0.7, 0.4 }, loss.Select(p => (double)p.Get("Value")!));
        using var manifest = Expect.Manifest(dir);
        var summary = manifest.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "loss");
        Assert.Equal(0.4, summary.GetProperty("last").GetDouble());
        Assert.Equal(0.4, summary.GetProperty("min").GetDouble());
        Assert.Equal(0.9, summary.GetProperty("max").GetDouble());
        Assert.Equal(3, summary.GetProperty("count").GetInt64());
        Assert.Equal(3, summary.GetProperty("step").GetInt64());
    }

    [Fact]
    public void Get_RunMetric_of_a_run_without_metrics_writes_nothing()
    {
        var result = ps.Run("Get-RunMetric -Run $run");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
    }

    [Theory]
    [InlineData("[double]::NaN")]
    [InlineData("[double]::PositiveInfinity")]
    public void A_non_finite_value_is_MetricInvalid_and_nothing_is_written(string value)
    {
        var before = ps.Snapshot(dir);

        var result = ps.Run($"Write-RunMetric -Run $run auc ({value})");

        var error = Expect.Error(result, "MetricInvalid", "WriteRunMetric", ErrorCategory.InvalidArgument, "auc");
        Assert.Contains("not a finite number", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_non_number_in_a_hashtable_is_MetricInvalid()
    {
        var result = ps.Run("Write-RunMetric -Run $run -Metric @{ auc = 'high' }");

        Expect.Error(result, "MetricInvalid", "WriteRunMetric", ErrorCategory.InvalidArgument, "auc");
        Assert.Equal(1, Expect.EventLines(dir));
    }

    [Fact]
    public void Each_bad_value_in_a_hashtable_is_reported_and_every_good_one_is_still_written()
    {
        var result = ps.Run("Write-RunMetric -Run $run -Metric @{ a1 = 1; b2 = 'high'; c3 = 3; d4 = [double]::NaN; e5 = 5; f6 = 6; 'g 7' = 7 }");

        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "InvalidName g 7", "MetricInvalid b2", "MetricInvalid d4" },
            result.Errors.Select(e => $"{e.FullyQualifiedErrorId.Split(',')[0]} {e.TargetObject}").Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "a1", "c3", "e5", "f6" },
            Expect.All(ps.Run("Get-RunMetric -Run $run"), Expect.MetricRecord).Select(m => m.Text("Name")).Order(StringComparer.Ordinal));
        Assert.Equal(6, Expect.EventLines(dir)); // created, started by the first write, the 4 good values
    }

    [Fact]
    public void An_invalid_metric_name_is_InvalidName()
    {
        var result = ps.Run("Write-RunMetric -Run $run 'bad name' 1");

        Expect.Error(result, "InvalidName", "WriteRunMetric", ErrorCategory.InvalidArgument, "bad name");
        Assert.Equal(1, Expect.EventLines(dir));
    }
}
