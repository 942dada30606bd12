using System.Management.Automation;
using System.Text.Json.Nodes;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>Misspelt keys in the config sections RunTools reads (data, folds, training, a training candidate, its
/// grid): New-Run refuses them before it creates anything, and the stages refuse them in a run made before keys were
/// checked. Every unknown key is its own ErrorRecord.</summary>
public sealed class ConfigKeyTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    string Runs => ps.PathOf("runs");

    /// <summary>Rows of the bad-input catalogue: a config New-Run refuses, the key it names (the error's target) and
    /// what the message says about it (the suggestion, or why the key is not taken there).</summary>
    public static TheoryData<string, string, string> MisspeltConfigs => new()
    {
        { "data: { labl: label }", "data.labl", "did you mean 'data.label'?" },
        { "data: { label: label, exlude: [visit_day] }", "data.exlude", "did you mean 'data.exclude'?" },
        { "folds: { kind: kfold, shufle: true }", "folds.shufle", "did you mean 'folds.shuffle'?" },
        { "folds: { kind: kfold, inner: { kind: kfold, seed: 1 } }", "folds.inner.seed", "set seed on the outer level only" },
        { "training: { metirc: auc }", "training.metirc", "did you mean 'training.metric'?" },
        { "training: { candidtes: [ { trainer: lbfgs } ] }", "training.candidtes", "did you mean 'training.candidates'?" },
        { "training: { colour: red }", "training.colour", "is not known (known: task, mode, metric," },
        { "training: { candidates: [ { trainer: lbfgs }, { trainer: lightgbm, grdi: { leaves: [8] } } ] }",
            "training.candidates[1].grdi", "did you mean 'training.candidates[1].grid'?" },
        { "training: { candidates: [ { trainer: lbfgs, grid: { trees: [10] } } ] }",
            "training.candidates[0].grid.trees", "lbfgs has no parameter 'trees'; fasttree and fastforest take it (known: l1, l2, C, iterations)" },
    };

    [Theory]
    [MemberData(nameof(MisspeltConfigs))]
    public void New_Run_refuses_an_unknown_key_as_ConfigKeyUnknown_and_creates_nothing(string config, string key, string message)
    {
        ps.Write("c.yaml", config);

        var result = ps.Run("New-Run -Name typo -ConfigPath c.yaml");

        var e = Expect.Error(result, "ConfigKeyUnknown", "NewRun", ErrorCategory.InvalidData, key);
        Assert.StartsWith($"The config key '{key}' is not known", e.Exception.Message);
        Assert.Contains(message, e.Exception.Message);
        Assert.Empty(result.Output);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void A_misspelt_override_is_refused_like_a_misspelt_file()
    {
        var result = ps.Run("New-Run -Name typo -Set 'training.metirc=auc'");

        Expect.Error(result, "ConfigKeyUnknown", "NewRun", ErrorCategory.InvalidData, "training.metirc");
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void Every_unknown_key_is_its_own_error_record_and_other_sections_stay_free()
    {
        ps.Write("c.yaml", """
            data: { labl: label, grup: patient_id }
            model: { anything: 1, goes: [here] }
            folds: { kind: kfold, seeed: 3 }
            training:
              metirc: auc
              candidates: [ { trainer: lbfgs, grid: { trees: [10] } } ]
            """);

        var result = ps.Run("New-Run -Name typos -ConfigPath c.yaml -WhatIf; New-Run -Name typos -ConfigPath c.yaml");

        var errors = Expect.Errors(result, "NewRun",
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "data.labl"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "data.grup"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "folds.seeed"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.metirc"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.candidates[0].grid.trees"),
            // -WhatIf plans the run, so it reports the same errors before it would ask
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "data.labl"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "data.grup"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "folds.seeed"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.metirc"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.candidates[0].grid.trees"));
        Assert.Contains("did you mean 'data.group'?", errors[1].Exception.Message);
        Assert.Empty(result.Output);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void With_ErrorAction_Stop_the_first_unknown_key_stops_the_script()
    {
        ps.Write("c.yaml", "training: { metirc: auc, tsak: binary }");

        var result = ps.Run("New-Run -Name typos -ConfigPath c.yaml -ErrorAction Stop; 'not reached'");

        Assert.Empty(result.Output);
        Assert.NotNull(result.Terminating);
        Assert.Equal("training.metirc", result.Terminating!.TargetObject);
        Assert.Equal("ConfigKeyUnknown,RunTools.Module.Commands.NewRunCommand", result.Terminating.FullyQualifiedErrorId);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void The_example_configs_and_the_test_configs_pass_the_check()
    {
        var data = ps.CopyExample("patients.csv");
        var result = ps.Run($"""
            New-Run -Name quick -ConfigPath '{Path.Combine(Repo.Root, "examples", "quickstart.yaml")}' -DataPath '{data}' -WhatIf
            New-Run -Name training -ConfigPath '{Path.Combine(Repo.Root, "examples", "training.yaml")}' -DataPath '{data}' -WhatIf
            """);
        result.AssertNoErrors();
        foreach (var config in new[] { BinaryConfig, QuickBinaryConfig })
        {
            ps.Write("c.yaml", config);
            ps.Run($"New-Run -Name kit -ConfigPath c.yaml -DataPath '{data}' -WhatIf").AssertNoErrors();
        }
    }

    // ---- a run made before keys were checked --------------------------------------------------------------------

    /// <summary>A run whose config has the given sections instead of its own, as a RunTools that did not check keys
    /// would have created it: the created event (the log's only line) records that config, and run.json, computed
    /// from the old line, is gone, so readers replay the log.</summary>
    string MadeBeforeKeyChecks(string config, string sections)
    {
        var run = ps.NewRun("r", config, ps.CopyExample("patients.csv"));
        var events = Path.Combine(run, "events.jsonl");
        var created = Assert.Single(File.ReadAllLines(events));
        var node = JsonNode.Parse(created)!.AsObject();
        var recorded = node["config"]!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(sections)!.AsObject().ToList())
            recorded[key] = value?.DeepClone();
        File.WriteAllText(events, node.ToJsonString() + "\n");
        File.Delete(Path.Combine(run, "run.json"));
        return run;
    }

    [Fact]
    public void Invoke_RunTraining_refuses_every_unknown_training_key_of_an_existing_run_and_changes_nothing()
    {
        var run = MadeBeforeKeyChecks(QuickBinaryConfig, """
            { "training": { "task": "binary", "metirc": "auc",
                            "candidates": [ { "trainer": "lightgbm", "grid": { "iterations": [30], "leavs": [8] } }, { "trainer": "lbfgs", "grdi": {} } ] } }
            """);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo); // the fold plan does not read the training section
        var before = ps.Snapshot(run);

        var result = ps.Run("$r | Invoke-RunTraining");

        var errors = Expect.Errors(result, "InvokeRunTraining",
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.metirc"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.candidates[0].grid.leavs"),
            ("ConfigKeyUnknown", ErrorCategory.InvalidData, "training.candidates[1].grdi"));
        Assert.Contains("lightgbm has no parameter 'leavs'; did you mean 'training.candidates[0].grid.leaves'?", errors[1].Exception.Message);
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot(run));
        Assert.False(Directory.Exists(Path.Combine(run, "models")));
    }

    [Fact]
    public void New_RunFoldPlan_refuses_an_unknown_fold_setting_of_an_existing_run_and_writes_nothing()
    {
        var run = MadeBeforeKeyChecks(QuickBinaryConfig, """{ "folds": { "kind": "stratified_group", "k": 3, "sede": 7 } }""");
        ps.Run("Get-Run -Path $r.Path").AssertNoErrors(); // the run reads back from its log
        var before = ps.Snapshot(run);

        var result = ps.Run("$r | New-RunFoldPlan");

        var e = Expect.Error(result, "ConfigKeyUnknown", "NewRunFoldPlan", ErrorCategory.InvalidData, "folds.sede");
        Assert.Contains("did you mean 'folds.seed'?", e.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(run));
        Assert.False(Directory.Exists(Path.Combine(run, "folds")));
    }

    /// <summary>A misspelt data.exclude would have made the excluded column a feature: both stages that read the
    /// data refuse it.</summary>
    [Fact]
    public void Both_stages_refuse_an_unknown_data_key_of_an_existing_run()
    {
        var run = MadeBeforeKeyChecks(QuickBinaryConfig, """
            { "data": { "label": "label", "id": "visit_id", "group": "patient_id", "exlude": ["visit_day"] } }
            """);
        var before = ps.Snapshot(run);

        var plan = ps.Run("$r | New-RunFoldPlan");
        var train = ps.Run("$r | Invoke-RunTraining");

        var e = Expect.Error(plan, "ConfigKeyUnknown", "NewRunFoldPlan", ErrorCategory.InvalidData, "data.exlude");
        Assert.Contains("did you mean 'data.exclude'?", e.Exception.Message);
        Expect.Error(train, "ConfigKeyUnknown", "InvokeRunTraining", ErrorCategory.InvalidData, "data.exlude");
        Expect.Unchanged(before, ps.Snapshot(run));
    }
}
