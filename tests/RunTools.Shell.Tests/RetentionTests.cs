using RunTools.Domain;
using RunTools.Retention;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests;

/// <summary>Removal makes the plan's checks again under the run's lock: what changed since the plan was made counts.</summary>
public sealed class RetentionTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    string Root => dir.File("runs");

    string NewRun(string key, params string[] upstream)
    {
        var request = new NewRunRequest(Root, key, [], [], [], [], toSeq(upstream), dir.Path, "7.6.9");
        return Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;
    }

    RetentionPlan PlanAll(RunRetention retention) =>
        Expect.Succ(RetentionPlan.Decide(retention.Scan(Root).Runs, retention.References, new RetentionPolicy(TimeSpan.Zero, null, null, null, false, false),
            DateTimeOffset.UtcNow.AddMinutes(1)));

    [Fact]
    public void A_run_locked_after_the_plan_was_made_is_not_removed()
    {
        var run = NewRun("a");
        var retention = new RunRetention();
        var plan = PlanAll(retention);
        Assert.Equal(Seq1(run), plan.Removals.Map(d => d.Path));

        Expect.Succ(RunOperations.SetRetentionLock(run, true, "keep"));

        Expect.Error(new RunRetentionLocked(run, Path.GetFileName(run), "keep"), retention.Remove(run, force: true));
        Assert.True(Directory.Exists(run));
    }

    [Fact]
    public void A_run_that_a_run_made_after_the_plan_references_is_not_removed()
    {
        var run = NewRun("a");
        var retention = new RunRetention();
        var plan = PlanAll(retention);
        Assert.Equal(Seq1(run), plan.Removals.Map(d => d.Path));

        var derived = NewRun("b", run);

        Expect.Error(new RunReferenced(run, Path.GetFileName(run), Seq1(Path.GetFileName(derived))), retention.Remove(run, force: false));
        Assert.True(Directory.Exists(run));
    }

    [Fact]
    public void A_run_goes_once_the_runs_that_referenced_it_are_gone()
    {
        var run = NewRun("a");
        var derived = NewRun("b", run);
        var retention = new RunRetention();
        var plan = PlanAll(retention);
        Assert.Equal(Seq(derived, run), plan.Removals.Map(d => d.Path));

        Expect.Error(new RunReferenced(run, Path.GetFileName(run), Seq1(Path.GetFileName(derived))), retention.Remove(run, force: false));
        Expect.Succ(retention.Remove(derived, force: false));
        Expect.Succ(retention.Remove(run, force: false));

        Assert.Empty(RunStore.List(Root));
    }
}
