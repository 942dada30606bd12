using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tests.Config;

namespace RunTools.Tests.Manifests;

public sealed class ReplayPropertyTests
{
    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 300)]
    public void Replay_equals_the_fold_of_Apply_and_counts_every_event(RunScript script)
    {
        var (events, played) = RunScripts.Play(script);

        var replayed = Expect.Succ(Manifest.Replay(events, "prop"));
        var folded = events.Tail.Fold(Manifest.Start((RunCreated)events.Head), (m, e) => Expect.Succ(Manifest.Apply(m, e)));

        Assert.Equal(folded, replayed);
        Assert.Equal(played, replayed);
        Assert.Equal(events.Count, replayed.EventCount);
        Assert.Equal(events.Last.At, replayed.UpdatedAt);
    }

    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 300)]
    public void Replayed_manifests_keep_the_lifecycle_invariants(RunScript script)
    {
        var (events, m) = RunScripts.Play(script);

        Assert.NotEqual(RunStatus.Abandoned, m.Status);
        Assert.Equal(Lifecycle.IsFinished(m.Status), m.EndedAt is not null);
        Assert.Equal(m.Status != RunStatus.Pending && !(m.Status == RunStatus.Cancelled && m.StartedAt is null), m.StartedAt is not null);
        foreach (var stage in m.Stages)
        {
            Assert.Equal(events.Count(e => e is StageStarted s && s.Stage == stage.Name), stage.Attempt);
            Assert.NotEqual(StageStatus.Abandoned, stage.Status);
            Assert.Equal(stage.Status != StageStatus.Running, stage.EndedAt is not null);
        }
        Assert.Equal(m.Stages.Count, m.Stages.Map(s => s.Name).Distinct().Count);
        Assert.Equal(m.Artifacts.Count, m.Artifacts.Map(a => a.Path).Distinct().Count);
        foreach (var metric in m.Metrics)
        {
            var values = events.Choose(e => e is MetricWritten w && w.Name == metric.Name ? Some(w.Value) : None);
            Assert.Equal((values.Last, values.Min(), values.Max(), (long)values.Count), (metric.Last, metric.Min, metric.Max, metric.Count));
        }
    }
}
