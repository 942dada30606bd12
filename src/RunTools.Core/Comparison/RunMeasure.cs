using System.Globalization;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Manifests;
using RunTools.Views;

namespace RunTools.Comparison;

/// <summary>A run as Measure-Run sees it: its manifest and its observed status (what Get-Run shows: a running run
/// whose writer died is Abandoned, not Running).</summary>
public sealed record MeasuredRun(RunManifest Manifest, string Status);

/// <summary>
/// One metric aggregated over one group of runs (Measure-Run): the group's values (<see cref="Group"/>, by group-by
/// key, and <see cref="GroupName"/>, the same as text), the metric, how many runs of the group have a value of it
/// (<see cref="Count"/>, its last value; NaN values are not counted), their mean, sample standard deviation (divisor
/// n − 1), minimum, maximum and the 95% t-interval for the mean, mean ± t(0.975, n − 1)·sd/√n. SD, Lower and Upper are
/// null when Count &lt; 2; everything but Count is null when Count is 0. <see cref="Runs"/> names the runs counted.
/// </summary>
public sealed class RunMeasurement(
    ValueMap<object?> group,
    string groupName,
    string metric,
    int count,
    double? mean,
    double? sd,
    double? min,
    double? max,
    double? lower,
    double? upper,
    IReadOnlyList<string> runs) : IEquatable<RunMeasurement>
{
    public ValueMap<object?> Group { get; } = group;
    public string GroupName { get; } = groupName;
    public string Metric { get; } = metric;
    public int Count { get; } = count;
    public double? Mean { get; } = mean;
    public double? SD { get; } = sd;
    public double? Min { get; } = min;
    public double? Max { get; } = max;
    public double? Lower { get; } = lower;
    public double? Upper { get; } = upper;
    public IReadOnlyList<string> Runs { get; } = runs;

    public override string ToString() => $"{GroupName}: {Metric}";

    // The group and the runs by content (their text), the rest by value.
    object Fields => (Group.ToString(), GroupName, Metric, Count, Mean, SD, Min, Max, Lower, Upper, string.Join("\u001f", Runs));
    public bool Equals(RunMeasurement? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RunMeasurement);
    public override int GetHashCode() => Fields.GetHashCode();
}

public static class RunMeasure
{
    /// <summary>The run properties a group-by key can name (ignoring case); any other key is a dotted config key.</summary>
    public static readonly Seq<string> Properties = Seq("Name", "Key", "Status");

    /// <summary>The text of a group without group-by keys (every run in one group).</summary>
    public const string AllRuns = "(all runs)";

    /// <summary>
    /// Groups the runs by the values of <paramref name="groupBy"/> (run properties or dotted config keys; a run without
    /// the config key has null there) and summarises every metric <paramref name="includeMetric"/> accepts that a run
    /// of the group has. Groups come sorted by their values (null last, numbers by value, text ordinally), metrics by
    /// name. A group-by key that is not a property and that no run's config has is GroupKeyNotFound (all such keys
    /// reported).
    /// </summary>
    public static Fin<Seq<RunMeasurement>> Measure(Seq<MeasuredRun> runs, Seq<string> groupBy, Func<string, bool> includeMetric)
    {
        var configKeys = toHashSet(runs.Bind(r => ConfigPaths.Flatten(r.Manifest.Config).Map(kv => kv.Key)));
        var unknown = groupBy.Filter(k => Property(k) is null && !configKeys.Contains(k) && !runs.Exists(r => ConfigPaths.Get(r.Manifest.Config, k).IsSome));
        if (!unknown.IsEmpty)
            return Failures.Of(unknown.Map(k => (RunError)new GroupKeyNotFound(k, Similar(k, configKeys)))).ToFin().Map(_ => Seq<RunMeasurement>());

        var keyed = runs.Map(r => (Run: r, Values: groupBy.Map(k => GroupValue(r, k)).ToArray()));
        var groups = keyed
            .GroupBy(x => string.Join("\u001f", x.Values.Select(v => v is null ? "\u0000" : FlowText.Of(v))), StringComparer.Ordinal)
            .OrderBy(g => g.First().Values, GroupOrder.Instance);
        var result = new List<RunMeasurement>();
        foreach (var group in groups)
        {
            var values = group.First().Values;
            var map = new ValueMap<object?>(groupBy.Zip(values).Select(p => (p.Item1, p.Item2)));
            var name = groupBy.IsEmpty ? AllRuns : string.Join(", ", groupBy.Zip(values).Select(p => $"{p.Item1}={(p.Item2 is null ? "null" : FlowText.Of(p.Item2))}"));
            var metrics = group.SelectMany(x => x.Run.Manifest.Metrics.Map(m => m.Name)).Distinct().Where(includeMetric).Order(StringComparer.Ordinal);
            foreach (var metric in metrics)
            {
                var counted = group.Select(x => (x.Run.Manifest.Name, Value: x.Run.Manifest.Metric(metric)?.Last))
                    .Where(x => x.Value is { } v && !double.IsNaN(v)).ToArray();
                result.Add(Summarise(map, name, metric, counted.Select(x => x.Value!.Value).ToArray(), counted.Select(x => x.Name).ToArray()));
            }
        }
        return toSeq(result.ToArray());
    }

    /// <summary>The summary of one group's values of one metric (NaN values are not counted).</summary>
    public static RunMeasurement Summarise(ValueMap<object?> group, string groupName, string metric, double[] values, IReadOnlyList<string> runs)
    {
        var finite = values.Where(v => !double.IsNaN(v)).ToArray();
        var stats = MetricStats.Summarise(finite);
        if (stats.N == 0) return new RunMeasurement(group, groupName, metric, 0, null, null, null, null, null, null, runs);
        double? Defined(double v) => stats.N < 2 ? null : v;
        return new RunMeasurement(group, groupName, metric, stats.N, stats.Mean, Defined(stats.Sd), finite.Min(), finite.Max(),
            Defined(stats.Lower95), Defined(stats.Upper95), runs);
    }

    /// <summary>The run property a group-by key names, or null for a config key.</summary>
    static string? Property(string key) => Properties.Find(p => string.Equals(p, key, StringComparison.OrdinalIgnoreCase)).MatchUnsafe(p => p, () => null);

    static object? GroupValue(MeasuredRun run, string key) => Property(key) switch
    {
        "Name" => run.Manifest.Name,
        "Key" => run.Manifest.Key,
        "Status" => run.Status,
        _ => ConfigPaths.Get(run.Manifest.Config, key).MatchUnsafe(ConfigPlain.ToPlain, () => null),
    };

    /// <summary>Up to three config keys that end like <paramref name="key"/> or differ from it only in case.</summary>
    static Seq<string> Similar(string key, LanguageExt.HashSet<string> known)
    {
        var last = key.Split('.')[^1];
        return toSeq(known.Where(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) || k.Split('.')[^1].Equals(last, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(3).ToArray());
    }

    /// <summary>Orders groups by their values, key by key: numbers by value before text, text ordinally, null last.</summary>
    sealed class GroupOrder : IComparer<object?[]>
    {
        public static readonly GroupOrder Instance = new();

        public int Compare(object?[]? a, object?[]? b)
        {
            for (var i = 0; i < a!.Length; i++)
            {
                var c = One(a[i], b![i]);
                if (c != 0) return c;
            }
            return 0;
        }

        static int One(object? a, object? b) => (a, b) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ when Number(a) is { } x && Number(b) is { } y => x.CompareTo(y),
            _ when Number(a) is not null => -1,
            _ when Number(b) is not null => 1,
            _ => string.CompareOrdinal(FlowText.Of(a), FlowText.Of(b)),
        };

        static double? Number(object? v) => v switch
        {
            long l => l,
            double d => d,
            _ => null,
        };
    }
}
