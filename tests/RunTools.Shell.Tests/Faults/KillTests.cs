using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Bundles;
using RunTools.Shell.Store;
using RunTools.Views;
using Xunit.Abstractions;

namespace RunTools.Shell.Tests.Faults;

/// <summary>
/// Writers killed (SIGKILL) at random moments of New-Run, Invoke-RunStage, Write-RunMetric, Add-RunArtifact,
/// Repair-Run and Import-RunBundle, over and over on the same run, so that each start must cope with the traces of the kill before it:
/// nothing acknowledged is lost, nothing is torn, Test-Run finds only the traces of a crash (Stale, Leftover), the
/// next writer or Repair-Run removes them, and nothing outside the root changes. Each campaign prints its seed, its
/// kills and what Test-Run found.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    const int Kills = 42;

    [Fact]
    public void New_Run_killed_at_random_moments_leaves_only_whole_runs_and_staging_folders_that_the_next_creation_removes()
    {
        using var c = new KillCampaign(output, "new-run");
        var root = c.Sandbox.Root;
        var checkedRuns = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        var stagingSeen = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        void CheckRoot()
        {
            // A run appears whole or not at all: every new one verifies completely.
            foreach (var run in RunStore.List(root).Where(checkedRuns.Add))
            {
                var left = CrashInvariants.NotMended(run).ToList();
                if (left.Count > 0) c.Fail($"after kill {c.Kills}, the created run {run} is not whole:\n  {string.Join("\n  ", left)}");
                if (Expect.Succ(RunStore.Read(run)).Key != "same") c.Fail($"{run} has another key");
            }
            foreach (var acked in c.Acks.Runs.Where(r => !checkedRuns.Contains(r))) c.Fail($"the acknowledged run {acked} is not under the root");
            var strays = Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.') && !RunStore.IsRun(d)).ToList();
            if (strays.Count > 0) c.Fail($"folders that are not runs appeared in the root: {string.Join(", ", strays)}");
            c.Tally("Leftover staging folder", Leftovers.InRoot(root).Count(l => l.Kind == Leftovers.StagingFolder && stagingSeen.Add(l.Path)));
            var live = CrashInvariants.LiveStaging(root).ToList();
            if (live.Count > 0) c.Fail(string.Join("\n", live));
            c.CheckOutsideRoot();
        }

        for (var k = 0; k < Kills; k++)
        {
            c.KillOnce(root);
            CheckRoot();
            if (k % 10 == 9) MendedByNextCreation();
        }
        MendedByNextCreation();
        c.Report();

        void MendedByNextCreation()
        {
            c.RunToEnd(root, 1);
            c.MendedByWriter();
            CheckRoot();
            var staging = Path.Combine(root, RunLayout.RootWorkArea, RunLayout.Staging);
            if (Directory.Exists(staging) && Directory.EnumerateFileSystemEntries(staging).Any())
                c.Fail($"the next New-Run left staging folders: {string.Join(", ", Directory.EnumerateFileSystemEntries(staging))}");
        }
    }

    [Fact]
    public void Metric_writers_killed_at_random_moments_lose_no_acknowledged_value_and_write_none_twice()
    {
        using var c = new KillCampaign(output, "metric");
        OnOneRun(c);
    }

    /// <summary>A stage's body writes its declared outputs in place, over those of the attempt before (registered as
    /// artifacts of the stage). Killed in its body, the stage stays recorded as running (abandoned once its process is
    /// gone) and its outputs are half-way between two attempts: Test-Run reports such an output as Modified (or, for a
    /// stage's first attempt, as Extra: StageStarted does not record the declared outputs). Neither the next writer
    /// nor Repair-Run can mend that; running the stage again does. These are the only findings allowed beyond Stale
    /// and Leftover, and only for outputs of a stage recorded as running.</summary>
    [Fact]
    public void Stages_killed_at_random_moments_keep_every_completed_attempt_with_the_hash_of_its_output()
    {
        using var c = new KillCampaign(output, "stage", OutputOfInterruptedStage) { MendingOperations = 3 };
        OnOneRun(c);
    }

    [Fact]
    public void Artifact_copies_killed_at_random_moments_never_leave_a_registered_artifact_that_does_not_match_its_hash()
    {
        using var c = new KillCampaign(output, "artifact");
        OnOneRun(c, "--sources", c.Sandbox.Sources);
    }

    [Fact]
    public void Repair_Run_killed_at_random_moments_leaves_a_run_that_the_next_writer_or_Repair_Run_mends()
    {
        using var c = new KillCampaign(output, "repair");
        OnOneRun(c);
    }

    /// <summary>The harness's stage s declares out/s.txt: its output, Modified or Missing as an artifact of s, or Extra
    /// before s ever completed, while s is recorded as running.</summary>
    static bool OutputOfInterruptedStage(RunCheck c, RunManifest m) =>
        m.Stages.Exists(s => s.Status == StageStatus.Running && c.Item == $"out/{s.Name}.txt")
        && ((c.Kind == "artifact" && c.StatusKind is CheckStatus.Modified or CheckStatus.Missing) || (c.Kind == "file" && c.StatusKind == CheckStatus.Extra));

    /// <summary>Import-RunBundle -Force over the run an earlier import put there, killed at random moments: the root
    /// always has the run, whole (the new one or the old one: it is exchanged in one step), the staging folders left
    /// are a dead writer's, and the next import removes them.</summary>
    [Fact]
    public void Import_RunBundle_killed_at_random_moments_never_leaves_the_root_without_the_run_nor_half_of_one()
    {
        using var c = new KillCampaign(output, "import");
        using var source = new TempDirectory();
        var bundles = Directory.CreateDirectory(source.File("bundles")).FullName;
        var exported = Expect.Succ(RunFactory.Plan(new NewRunRequest(source.File("runs"), "shipped", [], [], [], [], [], source.Path, "tests"))
            .Bind(RunFactory.Execute)).Path!;
        Expect.Succ(RunOperations.WriteMetrics(exported, Seq(new MetricPoint("auc", 0.9, 1, null), new MetricPoint("loss", 0.2, 1, null))));
        var weights = new byte[3 << 20];
        new Random(3).NextBytes(weights); // random bytes: zeros would compress like a zip bomb
        File.WriteAllBytes(source.File("weights.bin"), weights);
        Expect.Succ(RunOperations.AddArtifact(exported, source.File("weights.bin"), "artifacts/weights.bin", copy: true, null, null, force: false));
        // Its first write started it (in this live process): completed, it can be exported without -Force.
        Expect.Succ(RunOperations.SetStatus(exported, RunTools.Domain.RunStatus.Completed, "shipped"));
        Expect.Succ(BundleExport.Plan(Seq1(exported), Path.Combine(bundles, "bundle.zip"), force: false).Bind(BundleExport.Execute));
        var root = c.Sandbox.Root;
        var target = Path.Combine(root, Path.GetFileName(exported));

        void CheckRoot()
        {
            if (!Directory.Exists(target)) c.Fail($"after kill {c.Kills}, the root has no {Path.GetFileName(target)}: the replaced run is gone");
            var left = CrashInvariants.NotMended(target).ToList();
            if (left.Count > 0) c.Fail($"after kill {c.Kills}, the imported run is not whole:\n  {string.Join("\n  ", left)}");
            var strays = Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.') && d != target).ToList();
            if (strays.Count > 0) c.Fail($"other folders appeared in the root: {string.Join(", ", strays)}");
            c.Tally("Leftover staging folder", Leftovers.InRoot(root).Count(l => l.Kind == Leftovers.StagingFolder));
            var live = CrashInvariants.LiveStaging(root).ToList();
            if (live.Count > 0) c.Fail(string.Join("\n", live));
            c.CheckOutsideRoot();
        }

        c.RunToEnd(root, 1, "--sources", bundles);
        for (var k = 0; k < Kills / 2; k++)
        {
            c.KillOnce(root, "--sources", bundles);
            CheckRoot();
            if (k % 7 == 6)
            {
                c.RunToEnd(root, 1, "--sources", bundles);
                c.MendedByWriter();
                CheckRoot();
                if (Leftovers.InRoot(root).Exists(l => l.Kind == Leftovers.StagingFolder)) c.Fail("the next import left staging folders");
            }
        }
        if (c.Acks.Imports.Any(p => p != target)) c.Fail($"an import acknowledged another run: {string.Join(", ", c.Acks.Imports)}");
        c.Report();
    }

    /// <summary>One run, killed <see cref="Kills"/> times in the middle of the campaign's operation, checked after
    /// every kill; at the end a writer that runs to its end must leave a run that Test-Run passes entirely.</summary>
    void OnOneRun(KillCampaign c, params string[] extra)
    {
        var run = Expect.Succ(RunFactory.Plan(new NewRunRequest(c.Sandbox.Root, "faults", [], [], [], [], [], c.Sandbox.WorkingDirectory, "tests"))
            .Bind(RunFactory.Execute)).Path!;
        for (var k = 0; k < Kills; k++)
        {
            c.KillOnce(run, extra);
            c.CheckRun(run);
            c.CheckOutsideRoot();
            c.MaybeMend(run, extra);
        }
        c.MendByNextWriter(run, run, extra);
        c.CheckRun(run);
        c.KillOnce(run, extra);
        c.MendByRepair(run, run);
        c.CheckRun(run);
        c.CheckOutsideRoot();
        c.Report();
    }
}
