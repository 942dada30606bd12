using System.Security.Cryptography;
using System.Text;
using RunTools.Retention;

namespace RunTools.Tests.Retention;

/// <summary>Runs for retention tests: a fixed clock, runs named by their key and age, ids derived from the name.</summary>
internal static class R
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Guid IdOf(string name) => new(MD5.HashData(Encoding.UTF8.GetBytes(name)));

    public static string PathOf(string name) => "/runs/" + name;

    /// <summary>A run of <paramref name="key"/> created <paramref name="days"/> days before <see cref="Now"/>.</summary>
    public static RetentionRun Run(string name, string key, double days, bool locked = false, string? reason = null, bool live = false,
        params (string Name, double Value)[] metrics) =>
        new(PathOf(name), IdOf(name), name, key, Now.AddDays(-days), locked, reason, live, toHashMap(metrics));

    /// <summary><paramref name="by"/>'s lineage names <paramref name="run"/>.</summary>
    public static RunReference Ref(RetentionRun by, RetentionRun run, string relation = "model") =>
        new(run.Id, by.Name, by.Path, relation);

    public static RetentionPolicy Policy(TimeSpan? olderThan = null, int? keepLast = null, int? keepBest = null, string? metric = null,
        bool lowerIsBetter = false, bool force = false) =>
        new(olderThan, keepLast, keepBest, metric, lowerIsBetter, force);

    public static RetentionPlan Plan(RetentionPolicy policy, Seq<RunReference> references, params RetentionRun[] runs) =>
        Config.Expect.Succ(RetentionPlan.Decide(toSeq(runs), references, policy, Now));

    public static RetentionPlan Plan(RetentionPolicy policy, params RetentionRun[] runs) => Plan(policy, Seq<RunReference>(), runs);

    public static RetentionDecision Keep(RetentionRun run, RetentionReason reason, string detail, params string[] referencedBy) =>
        new(RetentionAction.Keep, reason, run.Name, run.Key, run.CreatedAt, detail, toSeq(referencedBy), run.Id, run.Path);

    public static RetentionDecision Remove(RetentionRun run, RetentionReason reason, string detail) =>
        new(RetentionAction.Remove, reason, run.Name, run.Key, run.CreatedAt, detail, Seq<string>(), run.Id, run.Path);
}
