using System.Security.Cryptography;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Verification;
using RunTools.Views;

namespace RunTools.Shell.Tests;

/// <summary>Registering artifacts while other writers register the same destination, and what a writer killed half way
/// through a copy leaves.</summary>
public sealed class ArtifactTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    string NewRun()
    {
        var request = new NewRunRequest(dir.File("runs"), "artifacts", [], [], [], [], [], dir.Path, "7.6.9");
        return Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;
    }

    [Fact]
    public void Writers_racing_for_one_destination_leave_exactly_the_file_the_manifest_records()
    {
        for (var round = 0; round < 5; round++)
        {
            var run = NewRun();
            var sources = Enumerable.Range(0, 8).Select(i => dir.Write($"model-{round}-{i}.bin", new string((char)('a' + i), 50_000 + i))).ToArray();
            using var start = new Barrier(sources.Length);

            var outcomes = sources.AsParallel().WithDegreeOfParallelism(sources.Length).Select(source =>
            {
                start.SignalAndWait();
                return RunOperations.AddArtifact(run, source, "artifacts/model.bin", copy: true, null, null, force: false);
            }).ToArray();

            var added = Assert.Single(outcomes, o => o.IsSucc);
            Assert.All(outcomes.Where(o => o.IsFail), o => Assert.IsType<ArtifactExists>(Expect.Fail(o)));
            var artifact = Expect.Succ(added).Artifact;
            var onDisk = Path.Combine(run, "artifacts", "model.bin");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(onDisk))), artifact.Sha256);
            var recorded = Expect.Succ(RunStore.Read(run)).Artifacts;
            Assert.Equal(artifact.Sha256, Assert.Single(recorded).Sha256);
            Assert.Equal(["model.bin"], Directory.GetFiles(Path.Combine(run, "artifacts")).Select(Path.GetFileName)); // no staged copy left behind
        }
    }

    /// <summary>A process on this host that is gone (no process has this id).</summary>
    static readonly WriterId DeadWriter = SystemInfo.Writer with { Pid = int.MaxValue };

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A run whose artifacts/model.bin holds <paramref name="first"/>, and what a writer that copied
    /// <paramref name="second"/> over it leaves when it is killed after registering the copy (appending its event),
    /// before renaming it into place and rewriting run.json.</summary>
    (string Run, string Staged) KilledBetweenRegisteringAndRenaming(byte[] first, byte[] second)
    {
        var run = NewRun();
        Expect.Succ(RunOperations.AddArtifact(run, dir.WriteBytes("first.bin", first), "artifacts/model.bin", copy: true, null, null, force: false));
        var staged = Path.Combine(run, "artifacts", RunLayout.TempName("model.bin", DeadWriter, Guid.NewGuid()));
        File.WriteAllBytes(staged, second);
        var added = new ArtifactAdded(DateTimeOffset.UtcNow, new Artifact("artifacts/model.bin", Sha(second), second.Length, ArtifactKind.File, null, DateTimeOffset.UtcNow));
        using (Expect.Succ(RunLock.Acquire(run, TimeSpan.FromMinutes(1))))
            EventLog.Append(run, Expect.Succ(RunStore.Load(run, forWriting: true)).Log, Seq1<RunEvent>(added));
        return (run, staged);
    }

    static Seq<RunCheck> Findings(string run) => Expect.Succ(RunInspection.Verify(run, lineage: false)).Filter(c => !c.Passed);

    [Fact]
    public void An_update_runs_its_effect_once_its_events_are_in_the_log_and_before_run_json_catches_up()
    {
        var run = NewRun();
        var source = dir.WriteBytes("model.bin", [1, 2, 3]);
        var registeredFirst = false;

        Expect.Succ(RunStore.Update(run, m => RunCommands.AddArtifact(m, new Artifact("artifacts/model.bin", Sha([1, 2, 3]), 3, ArtifactKind.File, null, DateTimeOffset.UtcNow), false, RunTools.Shell.Hosting.SystemInfo.CurrentProcess),
            TimeSpan.FromMinutes(1), m =>
            {
                // On disk now: the event in the log, run.json behind it (so a writer killed here is noticed by the next
                // one), the file not yet in place.
                var stored = Expect.Succ(RunStore.Load(run, forWriting: false));
                registeredFirst = stored.Manifest.Artifacts.Exists(a => a.Path == "artifacts/model.bin") && !stored.ManifestCurrent
                    && !File.Exists(Path.Combine(run, "artifacts", "model.bin"));
                Directory.CreateDirectory(Path.Combine(run, "artifacts"));
                File.Copy(source, Path.Combine(run, "artifacts", "model.bin"));
            }));

        Assert.True(registeredFirst);
        Assert.Empty(Findings(run));
    }

    [Fact]
    public void A_copy_whose_writer_was_killed_after_registering_it_is_Stale_and_the_next_writer_puts_it_in_place()
    {
        var (run, staged) = KilledBetweenRegisteringAndRenaming([1, 1, 1], [2, 2, 2, 2]);

        Assert.Equal(
            new[] { ("manifest", "run.json", CheckStatus.Stale), ("artifact", "artifacts/model.bin", CheckStatus.Stale), ("file", $"artifacts/{Path.GetFileName(staged)}", CheckStatus.Leftover) },
            Findings(run).Map(c => (c.Kind, c.Item, c.StatusKind)).ToArray());

        Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("loss", 1, null, null))));

        Assert.Equal(new byte[] { 2, 2, 2, 2 }, File.ReadAllBytes(Path.Combine(run, "artifacts", "model.bin")));
        Assert.False(File.Exists(staged));
        Assert.Empty(Findings(run));
    }

    [Fact]
    public void Repair_Run_puts_the_registered_content_of_an_artifact_in_place_and_removes_a_copy_that_was_never_registered()
    {
        var (run, staged) = KilledBetweenRegisteringAndRenaming([1, 1, 1], [2, 2, 2, 2]);
        var unregistered = Path.Combine(run, "artifacts", RunLayout.TempName("model.bin", DeadWriter, Guid.NewGuid()));
        File.WriteAllBytes(unregistered, [3, 3]); // a copy killed before it was registered

        var plan = Expect.Succ(RunRepair.Plan(run)).Actions;
        var done = Expect.Succ(RunRepair.Execute(run, _ => true, DateTimeOffset.UtcNow));

        Assert.Equal(plan, done);
        Assert.Equal(RepairAction.RewriteManifest, done.Head.Action);
        Assert.Equal(
            new[] { (RepairAction.RemoveLeftover, staged, $"{Leftovers.StagedArtifact}: the registered content of artifacts/model.bin, staged by process {int.MaxValue} on {DeadWriter.Host}, which died before putting it in place; it is put in place"),
             (RepairAction.RemoveLeftover, unregistered, $"temporary file: written by process {int.MaxValue} on {DeadWriter.Host}, which is gone") },
            done.Tail.Map(a => (a.Action, a.Item, a.Detail)).OrderBy(a => a.Detail, StringComparer.Ordinal).ToArray());
        Assert.Equal(new byte[] { 2, 2, 2, 2 }, File.ReadAllBytes(Path.Combine(run, "artifacts", "model.bin")));
        Assert.Equal(["model.bin"], Directory.GetFiles(Path.Combine(run, "artifacts")).Select(Path.GetFileName));
        Assert.Empty(Findings(run));
    }
}
