using System.Text.RegularExpressions;

namespace RunTools.Module.Tests;

/// <summary>
/// The default views as a user sees them: ./runtools runs real pwsh, which formats output through Out-Default.
/// A script-block column that throws shows an empty cell instead of an error, so only the rendered text proves the
/// views work. One host process renders every view; each test reads its section.
/// </summary>
public sealed class FormatViewTests(FormatViewTests.Rendered rendered) : IClassFixture<FormatViewTests.Rendered>
{
    public sealed class Rendered : IDisposable
    {
        readonly PowerShellHost workspace = new();

        public IReadOnlyDictionary<string, string> Sections { get; }

        public string Stderr { get; }

        /// <summary>The folder the script ran in.</summary>
        public string Directory => workspace.Directory;

        public Rendered()
        {
            workspace.Write("data.csv", "x,y,label\n1,2,0\n3,4,1\n");
            workspace.Write("config.yaml", "data:\n  label: label\nmodel:\n  trees: 100\n");
            workspace.Write("notes.txt", "notes");
            // 24 rows a linear model trains on in a second: two stratified folds and a production fold.
            workspace.Write("train.csv", "id,x,z,label\n" + string.Concat(Enumerable.Range(1, 24).Select(i => $"r{i},{i % 7},{i % 3},{i % 2}\n")));
            workspace.Write("train.yaml", "data: { label: label, id: id }\nfolds: { kind: stratified, k: 2, production: true }\ntraining: { candidates: [ { trainer: lbfgs } ] }\n");
            // Every section ends with Out-Default so that each gets its own table, as separate commands would.
            var script = """
                $a = New-Run -Name a -ConfigPath config.yaml -DataPath data.csv
                $b = New-Run -Name b -ConfigPath config.yaml -DataPath data.csv -Set 'model.trees=200'
                '### StageResult'; $a | Invoke-RunStage prep { 'working' } | Out-Default
                '### MetricRecord'; Write-RunMetric -Run $a -Metric ([ordered]@{ auc = 0.91; f1 = 0.8 }) -Step 3 -PassThru | Out-Default
                '### ArtifactRecord'; Add-RunArtifact -Run $a -Path notes.txt | Out-Default
                Lock-Run $b 'baseline for the paper'
                '### RunInfo'; Get-Run | Out-Default
                '### RunCheck'; Test-Run $a | Out-Default
                '### RunDifference'; Compare-Run $a $b -Section config | Out-Default
                '### RunManifest'; Get-RunManifest $a | Out-Default
                $t = New-Run -Name t -ConfigPath train.yaml -DataPath train.csv
                '### FoldPlanInfo'; $plan = $t | New-RunFoldPlan; $plan | Out-Default; '### FoldPlanHash'; $plan.ContentHash
                '### TrainingResult'; $training = $t | Invoke-RunTraining; $training | Out-Default
                '### TrainingMetrics'; foreach ($name in $training.Metrics.Keys) { "$name " + $training.Metrics[$name].ToString('R', [cultureinfo]::InvariantCulture) }
                '### RetentionDecision'; $scratch = New-Run scratch; Remove-Run -Key scratch, b -OlderThan 0 -PassThru -Confirm:$false | Out-Default
                '### InferenceResult'; $t | Invoke-RunInference train.csv -OutputPath scored.csv -WarningAction SilentlyContinue | Out-Default
                '### BundleInfo'; $bundle = Get-Run -Path $a, $b | Export-RunBundle bundle.zip -Force; $bundle | Out-Default; '### BundleSha256'; $bundle.Sha256
                """;
            var result = RuntoolsProcess.Run(workspace.Directory, "-Command", script);
            Stderr = result.Stderr;
            Assert.True(result.ExitCode == 0, $"runtools exited with {result.ExitCode}: {result.Stderr}");
            Sections = Regex.Split(result.Stdout, @"^### ", RegexOptions.Multiline).Skip(1)
                .ToDictionary(s => s[..s.IndexOf('\n')].Trim(), s => s[(s.IndexOf('\n') + 1)..]);
        }

        public void Dispose() => workspace.Dispose();
    }

    string Section(string name)
    {
        Assert.True(rendered.Sections.TryGetValue(name, out var text), $"no '{name}' section in the output; stderr: {rendered.Stderr}");
        return text;
    }

    /// <summary>The table's header line (the line above the dashes) split into column names.</summary>
    static string[] Header(string table)
    {
        var lines = table.Split('\n');
        var dashes = Array.FindIndex(lines, l => l.TrimStart().StartsWith("---", StringComparison.Ordinal));
        return lines[dashes - 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The first column's cells (wrapped lines included) joined: what a wrapped cell shows in all.</summary>
    static string FirstColumn(string table, int width)
    {
        var lines = table.Split('\n');
        var dashes = Array.FindIndex(lines, l => l.TrimStart().StartsWith("---", StringComparison.Ordinal));
        return string.Concat(lines.Skip(dashes + 1).Where(l => l.Trim().Length > 0).Select(l => l[..Math.Min(width, l.Length)].Trim()));
    }

    /// <summary>A grouped table names its run once, whole, above the columns.</summary>
    static void AssertGroupedByRun(string table, string key) => Assert.Matches(@"(?m)^\s*Run: \d{8}_\d{6}_" + Regex.Escape(key) + @"\s*$", table);

    static string Row(string table, string containing) =>
        table.Split('\n').FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no line contains '{containing}' in:\n{table}");

    [Fact]
    public void Runs_show_the_key_first_the_local_creation_time_to_the_second_and_one_metric()
    {
        var table = Section("RunInfo");

        Assert.Equal(["Key", "Created", "Status", "Duration", "Metric"], Header(table));
        // No training section: the first metric stands in for the selection metric.
        Assert.Matches(@"^a\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+Running\s+\S*\s*auc=0\.91\s*$", Row(table, "a "));
        // A locked run is marked after its status.
        Assert.Matches(@"^b\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+Pending\*", Row(table, "b "));
        Assert.DoesNotContain("f1=", table);
    }

    [Fact]
    public void Stage_results_show_attempt_status_skip_duration_and_reason()
    {
        var table = Section("StageResult");

        AssertGroupedByRun(table, "a");
        Assert.Equal(["Stage", "Attempt", "Status", "Skipped", "Duration", "Outputs", "Reason"], Header(table));
        Assert.Matches(@"prep\s+1\s+Completed\s+False\s+\d+\.\ds\s+0\s+never ran", Row(table, "prep"));
    }

    [Fact]
    public void Metric_records_show_name_value_and_step()
    {
        var table = Section("MetricRecord");

        AssertGroupedByRun(table, "a");
        Assert.Equal(["Name", "Value", "Step", "Stage", "At"], Header(table));
        Assert.Matches(@"auc\s+0\.91\s+3\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", Row(table, "auc"));
        Assert.Matches(@"f1\s+0\.8\s+3\s", Row(table, "f1"));
    }

    [Fact]
    public void Artifact_records_show_kind_size_a_short_hash_and_the_path_in_the_run()
    {
        var table = Section("ArtifactRecord");

        AssertGroupedByRun(table, "a");
        Assert.Equal(["Kind", "Bytes", "Sha256", "Stage", "Path"], Header(table));
        Assert.Matches(@"File\s+5\s+[0-9a-f]{12}\s+artifacts/notes\.txt", Row(table, "notes.txt"));
    }

    [Fact]
    public void Run_checks_show_status_and_shortened_hashes()
    {
        var table = Section("RunCheck");

        AssertGroupedByRun(table, "a");
        Assert.Equal(["Kind", "Status", "Expected", "Actual", "Item"], Header(table));
        Assert.Matches(@"manifest\s+Ok\s+replay of \d+ events\s+[0-9a-f]{12}\s+run\.json", Row(table, "run.json"));
        Assert.Matches(@"config\s+Ok\s+([0-9a-f]{12})\s+\1\s+config_resolved\.yaml", Row(table, "config_resolved.yaml"));
    }

    [Fact]
    public void Differences_show_like_Compare_Object_grouped_by_the_runs_compared()
    {
        var table = Section("RunDifference");

        Assert.Matches(@"Compare: \S+_a \(reference\) vs \S+_b", table);
        var lines = table.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("Section", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["Section", "Key", "ReferenceValue", "DifferenceValue", "Delta", "Side"], Header(string.Join('\n', lines)));
        Assert.Matches(@"config\s+model\.trees\s+100\s+200\s+\+100\s+<>", Row(table, "model.trees"));
    }

    [Fact]
    public void Retention_decisions_show_the_action_whether_the_run_went_the_reason_and_its_detail()
    {
        var table = Section("RetentionDecision");

        Assert.Equal(["Action", "Removed", "Name", "Reason", "Detail"], Header(table));
        // The detail wraps at 80 columns rather than being cut.
        Assert.Matches(@"Keep\s+False\s+\S+_b\s+Locked\s+locked: baseline", Row(table, "_b "));
        Assert.Matches(@"Remove\s+True\s+\S+_scratch\s+Expired\s+created \d+", Row(table, "_scratch "));
        Assert.Contains("baselineforthepaper", Regex.Replace(table, @"\s+", ""));
    }

    [Fact]
    public void The_manifest_lists_its_key_fields_with_nested_records_summarised()
    {
        var list = Section("RunManifest");

        Assert.Matches(@"(?m)^Key\s+: a\s*$", list);
        Assert.Matches(@"(?m)^Locked\s+: no\s*$", list);
        Assert.Matches(@"(?m)^Inputs\s+: data\.csv \(Csv, 2 rows\)\s*$", list);
        Assert.Matches(@"(?m)^Label\s+: label\s*$", list);
        Assert.Matches(@"(?m)^Features\s+: x, y\s*$", list);
        Assert.Matches(@"(?m)^Environment\s+: PowerShell \S+, \.NET \S+, ", list);
        Assert.Matches(@"\(\d+ CPUs\)", list);
        Assert.Matches(@"(?m)^Stages\s+: prep:completed\s*$", list);
        Assert.Matches(@"(?m)^Artifacts\s+: artifacts/notes\.txt\s*$", list);
        Assert.Matches(@"(?m)^Metrics\s+: auc=0\.91 f1=0\.8\s*$", list);
        Assert.DoesNotMatch(@"RunManifest \{|StageRecord \{", list);
    }

    [Fact]
    public void Fold_plans_show_their_shape_and_a_short_content_hash()
    {
        var table = Section("FoldPlanInfo");
        var hash = Section("FoldPlanHash").Trim();

        AssertGroupedByRun(table, "t");
        Assert.Equal(["Name", "Kind", "Folds", "Repeats", "Nested", "Production", "Rows", "ContentHash"], Header(table));
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Matches(@"^folds\s+stratified\s+2\s+1\s+False\s+True\s+24\s+" + hash[..12] + @"\s*$", Row(table, "stratified"));
    }

    [Fact]
    public void Training_results_show_task_mode_duration_and_the_cross_validated_metrics_compactly()
    {
        var table = Section("TrainingResult");
        var metrics = Section("TrainingMetrics").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

        AssertGroupedByRun(table, "t");
        Assert.Equal(["Stage", "Task", "Mode", "Duration", "Metrics"], Header(table));
        var row = Row(table, "binary");
        Assert.Matches(@"^train\s+binary\s+direct\s+\d+\.\ds\s+accuracy=", row);
        // Every binary metric, in the result's order, each rounded to at most four decimals; the widest column is
        // last, so on a narrow console it may end in an ellipsis.
        Assert.Equal(["accuracy", "auc", "balanced_accuracy", "brier", "f1", "log_loss", "mcc"], metrics.Keys);
        AssertShown(string.Join(' ', metrics.Select(m => $"{m.Key}={Compact(m.Value)}")), row[row.IndexOf("accuracy=", StringComparison.Ordinal)..].TrimEnd());
    }

    /// <summary>The last column of a table row shows the whole text, or, when the console is too narrow, its start
    /// followed by an ellipsis.</summary>
    static void AssertShown(string expected, string cell) =>
        Assert.True(cell == expected || (cell.Length > 1 && cell.EndsWith('…') && expected.StartsWith(cell[..^1], StringComparison.Ordinal)),
            $"the cell shows '{cell}' instead of '{expected}'");

    /// <summary>How the views write a metric: up to four decimals, G4 for very small or large values.</summary>
    static string Compact(double value)
    {
        var abs = Math.Abs(value);
        return abs == 0 || (abs >= 0.001 && abs < 1e6)
            ? value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Inference_results_show_the_training_run_the_model_the_rows_and_the_output_file()
    {
        var table = Section("InferenceResult");

        AssertGroupedByRun(table, "t-inference");
        Assert.Equal(["TrainingRun", "Model", "Rows", "OutputPath"], Header(table));
        var row = Row(table, "models/production");
        Assert.Matches(@"^\S+_t\s+models/production\s+24 /", row);
        // A long output path wraps rather than being cut.
        Assert.Contains("24" + Path.Combine(rendered.Directory, "scored.csv"), Regex.Replace(table, @"\s+", ""));
    }

    [Fact]
    public void Bundles_show_the_zip_its_run_and_file_counts_its_size_and_its_hash()
    {
        var table = Section("BundleInfo");

        Assert.Equal(["Path", "Runs", "Files", "Bytes", "Sha256"], Header(table));
        var sha = Section("BundleSha256").Trim();
        Assert.Matches("^[0-9a-f]{64}$", sha);
        var row = Row(table, " KB ");
        var match = Regex.Match(row, @"^(?<path>\S+)\s+2\s+(?<files>\d+)\s+\d+\.\d KB (?<sha>[0-9a-f]{12})\s*$");
        Assert.True(match.Success, $"unexpected row: {row}");
        // The path wraps in its column rather than being cut; the hash is shortened like git's.
        Assert.Equal(Path.Combine(rendered.Directory, "bundle.zip"), FirstColumn(table, 40));
        Assert.Equal(sha[..12], match.Groups["sha"].Value);
        Assert.InRange(int.Parse(match.Groups["files"].Value, System.Globalization.CultureInfo.InvariantCulture), 8, 20);
    }
}
