using System.Text.Json;

namespace RunTools.Module.Tests;

public sealed class RunLifecycleTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public void A_run_goes_from_creation_through_stages_and_metrics_to_completed_using_only_its_directory()
    {
        ps.Write("data.csv", "x,y,label\n1,2,0\n3,4,1\n5,6,1\n");
        ps.Write("config.yaml", "model:\n  trees: 100\ndata:\n  label: label\n");

        var result = ps.Run("""
            $run = New-Run -Name baseline -ConfigPath config.yaml -Set @{ 'model.trees' = 200 } -DataPath data.csv
            $run | Invoke-RunStage prepare { param($Run) [IO.File]::WriteAllText($Run.Resolve('prepared.txt'), "$($Run.Config.model.trees)") } -Output prepared.txt | Out-Null
            $run | Invoke-RunStage train -DependsOn prepare -Input prepared.txt { param($Run) [IO.File]::WriteAllText($Run.Resolve('model.txt'), [IO.File]::ReadAllText($Run.Resolve('prepared.txt')) + '!') } -Output model.txt | Out-Null
            Write-RunMetric -Run $run -Name auc -Value 0.81
            Set-RunStatus -Run $run Completed
            Get-Run -Name baseline
            """);

        result.AssertNoErrors();
        var run = result.Output.Single();
        Assert.Equal("RunTools.Views.RunInfo", run.BaseObject.GetType().FullName);
        Assert.Equal("Completed", run.Properties["Status"].Value.ToString());
        Assert.Equal(0.81, (double)((System.Collections.IDictionary)run.Properties["Metrics"].Value)["auc"]!);
        Assert.Equal(200L, ((System.Collections.IDictionary)run.Properties["Params"].Value)["model.trees"]);

        var dir = (string)run.Properties["Path"].Value;
        Assert.Equal("200!", File.ReadAllText(Path.Combine(dir, "model.txt")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run.json")));
        var root = manifest.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal(new[] { "prepare", "train" }, root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(root.GetProperty("stages").EnumerateArray(), s => Assert.Equal("completed", s.GetProperty("status").GetString()));
        Assert.Equal(new[] { "x", "y" }, root.GetProperty("feature_list").GetProperty("items").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, root.GetProperty("inputs")[0].GetProperty("rows").GetInt64());
        Assert.Contains("trees: 200", File.ReadAllText(Path.Combine(dir, "config_resolved.yaml")));
        Assert.Equal(File.ReadAllLines(Path.Combine(dir, "events.jsonl")).Length, root.GetProperty("event_count").GetInt64());
    }

    [Fact]
    public void A_stage_that_throws_fails_the_stage_and_the_run_and_keeps_its_log_and_partial_output()
    {
        var result = ps.Run("""
            $run = New-Run -Name broken
            $run | Invoke-RunStage fit { param($Run) [IO.File]::WriteAllText($Run.Resolve('partial.txt'), 'half'); 'working...'; throw 'out of memory' } -Output partial.txt, final.txt
            Get-Run -Name broken
            """);

        var error = result.SingleError();
        Assert.Equal("StageScriptFailed,RunTools.Module.Commands.InvokeRunStageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains("out of memory", error.Exception.Message);
        var run = result.Output.Single();
        Assert.Equal("Failed", run.Properties["Status"].Value.ToString());
        var dir = (string)run.Properties["Path"].Value;
        var log = File.ReadAllText(Path.Combine(dir, "logs", "fit.log"));
        Assert.Contains("working...", log);
        Assert.Contains("out of memory", log);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run.json")));
        var stage = manifest.RootElement.GetProperty("stages")[0];
        Assert.Equal("failed", stage.GetProperty("status").GetString());
        Assert.Equal("partial.txt", stage.GetProperty("outputs")[0].GetProperty("path").GetString());
        Assert.Equal("fit", manifest.RootElement.GetProperty("last_error").GetProperty("stage").GetString());
    }
}
