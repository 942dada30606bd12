using System.Management.Automation;
using System.Text.Json;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>Ctrl+C leaves a cancelled stage and run behind (never one stuck as running), and the guards that keep a
/// run's bookkeeping and its data honest.</summary>
public sealed class CancellationAndGuardTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    static JsonElement Manifest(string run) => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).RootElement;

    static string StageStatus(string run, string stage) =>
        Manifest(run).GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == stage).GetProperty("status").GetString()!;

    [Theory]
    [InlineData("")]
    [InlineData("-Verbose")]
    public void Stopping_a_command_stage_records_it_and_the_run_as_cancelled(string verbose)
    {
        var run = (string)ps.Run("$r = New-Run -Name c; $r.Path").Output.Single().BaseObject;
        var log = Path.Combine(run, "logs", "loop.log");

        var stopped = ps.RunAndStop($"$r | Invoke-RunStage loop -Command /bin/sh -ArgumentList '-c', 'while true; do echo tick; sleep 0.05; done' {verbose}",
            () => File.Exists(log) && File.ReadAllText(log).Contains("tick"), TimeSpan.FromSeconds(30));

        Assert.True(stopped);
        Assert.Equal("cancelled", StageStatus(run, "loop"));
        Assert.Equal("cancelled", Manifest(run).GetProperty("status").GetString());
        // The runspace is still usable and a new attempt resumes the run.
        var again = ps.Run("$r | Invoke-RunStage loop -Command /bin/sh -ArgumentList '-c', 'echo done'");
        again.AssertNoErrors();
        Assert.Equal(2, Manifest(run).GetProperty("stages")[0].GetProperty("attempt").GetInt32());
    }

    [Fact]
    public void Stopping_a_training_records_the_stage_as_cancelled_and_a_new_attempt_can_run()
    {
        var run = ps.NewRun("r", BinaryConfig, ps.CopyExample("patients.csv"));
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);

        var stopped = ps.RunAndStop("$r | Invoke-RunTraining",
            () => File.Exists(Path.Combine(run, "models", "r0_f0", "model.json")), TimeSpan.FromMinutes(2));

        Assert.True(stopped);
        Assert.Equal("cancelled", StageStatus(run, "train"));
        Assert.Equal("cancelled", Manifest(run).GetProperty("status").GetString());
        var again = Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult);
        Assert.False((bool)again.Get("Skipped")!);
        Assert.Equal("completed", StageStatus(run, "train"));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("visit_id")]
    [InlineData("patient_id")]
    public void A_role_column_in_the_feature_list_is_refused_before_the_run_exists(string column)
    {
        var data = ps.CopyExample("patients.csv");
        ps.Write("c.yaml", $"data: {{ label: label, id: visit_id, group: patient_id, features: [f1, {column}] }}\n");

        var result = ps.Run($"New-Run -Name leak -ConfigPath c.yaml -DataPath '{data}'");

        var e = Expect.Error(result, "ConfigValueInvalid", "NewRun", ErrorCategory.InvalidData, "data.features");
        Assert.Contains($"'{column}'", e.Exception.Message);
        Assert.False(Directory.Exists(ps.PathOf("runs")) && Directory.EnumerateDirectories(ps.PathOf("runs")).Any(d => !Path.GetFileName(d).StartsWith('.')));
    }

    [Theory]
    [InlineData("events.jsonl")]
    [InlineData("run.json")]
    [InlineData("config_resolved.yaml")]
    [InlineData("logs/other.log")]
    [InlineData("sidecars/x.json")]
    [InlineData(".lock")]
    [InlineData("EVENTS.JSONL")] // the same file on Windows and macOS
    [InlineData("Run.json")]
    [InlineData("events.jsonl.")] // Windows drops trailing dots
    [InlineData("Logs/other.log")]
    public void The_runs_own_files_cannot_be_overwritten_by_an_artifact_or_a_stage_output(string reserved)
    {
        var run = (string)ps.Run("$r = New-Run -Name g; $r.Path").Output.Single().BaseObject;
        ps.Write("junk.txt", "junk");
        var before = ps.Snapshot(run);

        var artifact = ps.Run($"Add-RunArtifact -Run $r junk.txt -Destination '{reserved}'");
        var stage = ps.Run($"$r | Invoke-RunStage s {{ }} -Output '{reserved}'");

        Expect.Error(artifact, "PathReserved", "AddRunArtifact", ErrorCategory.SecurityError, reserved);
        Expect.Error(stage, "PathReserved", "InvokeRunStage", ErrorCategory.SecurityError, reserved);
        Expect.Unchanged(before, ps.Snapshot(run));
    }

    [Fact]
    public void A_stage_cannot_complete_its_own_run_while_it_is_still_running()
    {
        var run = (string)ps.Run("$r = New-Run -Name s; $r.Path").Output.Single().BaseObject;

        var result = ps.Run("$r | Invoke-RunStage s { param($Run) Set-RunStatus -Run $Run Completed; 'unreachable' }");

        var e = result.SingleError();
        Assert.Equal("StageScriptFailed,RunTools.Module.Commands.InvokeRunStageCommand", e.FullyQualifiedErrorId);
        Assert.Contains("completed while stage 's' is running", e.Exception.Message);
        Assert.Equal("failed", Manifest(run).GetProperty("status").GetString());
        Assert.Equal("failed", StageStatus(run, "s"));
    }

    [Fact]
    public void Metrics_from_a_hashtable_are_recorded_in_name_order()
    {
        var run = (string)ps.Run("$r = New-Run -Name m; $r.Path").Output.Single().BaseObject;

        ps.Run("Write-RunMetric -Run $r -Metric @{ zeta = 1; alpha = 2; mu = 3; beta = 4 }").AssertNoErrors();

        Assert.Equal(["alpha", "beta", "mu", "zeta"], Manifest(run).GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public void An_inference_whose_output_cannot_be_written_fails_its_run_instead_of_leaving_it_running()
    {
        var (run, _) = Train(QuickBinaryConfig, ps.CopyExample("patients.csv"));
        ps.Write("a-file", "not a directory");

        var result = ps.Run($"$r | Invoke-RunInference '{ps.CopyExample("patients_new.csv")}' -OutputPath a-file/out.csv -WarningAction SilentlyContinue");

        Assert.Single(result.AllErrors);
        var inference = Directory.EnumerateDirectories(Path.GetDirectoryName(run)!).Single(d => d.EndsWith("-inference", StringComparison.Ordinal));
        Assert.Equal("failed", Manifest(inference).GetProperty("status").GetString());
        Assert.Equal("failed", StageStatus(inference, "predict"));
    }

    (string Run, PSObject Result) Train(string config, string data)
    {
        var run = ps.NewRun("r", config, data);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        return (run, Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult));
    }
}
