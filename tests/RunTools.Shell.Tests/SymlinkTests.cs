using RunTools.Domain;
using RunTools.Shell.Files;
using RunTools.Shell.Stages;

namespace RunTools.Shell.Tests;

/// <summary>Paths are checked where the file system puts them: a symbolic link on the way that leads outside the run
/// makes a path outside the run, whatever its text says.</summary>
public sealed class SymlinkTests : IDisposable
{
    readonly TempDirectory temp = new();
    readonly string run, outside;

    public SymlinkTests()
    {
        run = Directory.CreateDirectory(temp.File("run")).FullName;
        outside = Directory.CreateDirectory(temp.File("outside")).FullName;
        Directory.CreateDirectory(Path.Combine(run, "artifacts"));
    }

    public void Dispose() => temp.Dispose();

    StageContext Context() => new(run, "r", Guid.Empty, "train", 1, null, new ConfigReads(), "config_resolved.yaml", [], [], [], "logs/train.log",
        new System.Collections.Hashtable(), new Dictionary<string, UpstreamRun>());

    [Fact]
    public void A_stage_context_resolves_paths_inside_the_run_and_refuses_others()
    {
        Assert.Equal(Path.Combine(run, "out", "model.zip"), Context().Resolve("out/./model.zip"));
        var error = Assert.Throws<ArgumentException>(() => Context().Resolve("../other/x"));
        Assert.StartsWith(new PathOutsideRun("../other/x", run).Message, error.Message);
    }

    [Fact]
    public void Resolve_refuses_a_path_through_a_linked_folder_that_leads_outside()
    {
        Directory.CreateSymbolicLink(Path.Combine(run, "artifacts", "link"), outside);
        var error = Assert.Throws<ArgumentException>(() => Context().Resolve("artifacts/link/x.txt"));
        Assert.StartsWith(new PathOutsideRun("artifacts/link/x.txt", run).Message, error.Message);
    }

    [Fact]
    public void A_dangling_link_to_a_file_outside_is_outside()
    {
        File.CreateSymbolicLink(Path.Combine(run, "out.txt"), Path.Combine(outside, "not-yet.txt"));
        Expect.Error(new PathOutsideRun("out.txt", run), StageRunner.WritableInRun(run, "out.txt"));
    }

    [Fact]
    public void A_link_that_stays_inside_the_run_is_allowed()
    {
        Directory.CreateDirectory(Path.Combine(run, "data"));
        Directory.CreateSymbolicLink(Path.Combine(run, "alias"), Path.Combine(run, "data"));
        Assert.Equal("alias/x.csv", Expect.Succ(StageRunner.WritableInRun(run, "alias/x.csv")));
    }

    [Fact]
    public void A_link_inside_the_run_that_reaches_the_runs_own_files_is_reserved()
    {
        Directory.CreateSymbolicLink(Path.Combine(run, "artifacts", "own"), Path.Combine(run, "logs"));
        Expect.Error(new PathReserved("artifacts/own/x.log"), StageRunner.WritableInRun(run, "artifacts/own/x.log"));
    }

    [Fact]
    public void Relative_link_targets_resolve_against_the_links_folder()
    {
        Directory.CreateSymbolicLink(Path.Combine(run, "artifacts", "up"), Path.Combine("..", "..", "outside"));
        Assert.Equal(Path.Combine(outside, "x"), RealPaths.Resolve(Path.Combine(run, "artifacts", "up", "x")));
        Expect.Error(new PathOutsideRun("artifacts/up/x", run), StageRunner.WritableInRun(run, "artifacts/up/x"));
    }

    [Fact]
    public void A_link_whose_target_climbs_out_through_a_folder_that_does_not_exist_yet_is_outside()
    {
        Directory.CreateSymbolicLink(Path.Combine(run, "artifacts", "l"), Path.Combine("missing", "..", "..", "..", "outside"));
        Expect.Error(new PathOutsideRun("artifacts/l/x.txt", run), StageRunner.WritableInRun(run, "artifacts/l/x.txt"));
        Assert.Throws<ArgumentException>(() => Context().Resolve("artifacts/l/x.txt"));
    }

    [Fact]
    public void A_link_loop_is_outside_rather_than_an_endless_walk()
    {
        Directory.CreateSymbolicLink(Path.Combine(run, "a"), Path.Combine(run, "b"));
        Directory.CreateSymbolicLink(Path.Combine(run, "b"), Path.Combine(run, "a"));
        Expect.Error(new PathOutsideRun("a/x", run), StageRunner.WritableInRun(run, "a/x"));
    }

    [Fact]
    public void Own_files_are_never_opened_through_a_link()
    {
        var target = Path.Combine(outside, "events.jsonl");
        File.WriteAllText(target, "");
        File.CreateSymbolicLink(Path.Combine(run, "events.jsonl"), target);
        Assert.Throws<IOException>(() => OwnFiles.OpenWrite(Path.Combine(run, "events.jsonl")).Dispose());
        Assert.Throws<IOException>(() => OwnFiles.TryLockExclusive(Path.Combine(run, "events.jsonl"))?.Dispose());
        Expect.Error(new PathOutsideRun(Path.Combine(run, "events.jsonl"), run), OwnFiles.Check(run, "events.jsonl"));
        Assert.Equal("", File.ReadAllText(target));
    }

    [Fact]
    public void An_own_file_linked_inside_the_run_is_damage()
    {
        File.WriteAllText(Path.Combine(run, "artifacts", "e.jsonl"), "");
        File.CreateSymbolicLink(Path.Combine(run, "events.jsonl"), Path.Combine(run, "artifacts", "e.jsonl"));
        Assert.IsType<RunCorrupted>(Expect.Fail(OwnFiles.Check(run, "events.jsonl")));
    }
}
