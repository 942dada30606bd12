using System.Globalization;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Indexing;

/// <summary>A run of the index with its status as observed now (a stored running run with no live process is
/// abandoned).</summary>
public sealed record IndexedRun(RunIndexEntry Entry, RunStatus Observed);

/// <summary>Get-Run's filters that the index answers (names, keys and ids are matched by the cmdlet, with
/// PowerShell's wildcards).</summary>
/// <param name="Statuses">Keep runs in these observed statuses (none: any).</param>
/// <param name="Since">Keep runs created at or after this time.</param>
/// <param name="Until">Keep runs created before this time.</param>
/// <param name="Params">Keep runs whose config has each key (case-insensitive) with a value equal to the given one,
/// compared by type: numbers as numbers (200 equals 200.0), booleans as booleans, text case-insensitively; text given
/// for a number or a boolean is read as one.</param>
/// <param name="By">Order by this metric's last value (descending unless <paramref name="Ascending"/>); runs without it
/// come last.</param>
/// <param name="Top">Keep the first this many runs of the order (without <paramref name="By"/>: the newest this many).</param>
public sealed record RunQuery(
    Seq<RunStatus> Statuses,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    Seq<(string Key, object? Value)> Params,
    string? By,
    bool Ascending,
    int? Top)
{
    public static readonly RunQuery All = new(Seq<RunStatus>(), null, null, Seq<(string, object?)>(), null, false, null);

    /// <summary>Whether the query keeps the run (everything but the order and -Top).</summary>
    public bool Keeps(IndexedRun run) =>
        (Statuses.IsEmpty || Statuses.Contains(run.Observed))
        && (Since is not { } since || run.Entry.Created >= since)
        && (Until is not { } until || run.Entry.Created < until)
        && Params.ForAll(p => run.Entry.Params.Exists(e => string.Equals(e.Key, p.Key, StringComparison.OrdinalIgnoreCase) && RunParams.Equal(e.Value, p.Value)));

    /// <summary>The runs kept, in the order asked for: by creation time (oldest first); with <see cref="By"/>, by the
    /// metric; with <see cref="Top"/>, cut. A <see cref="By"/> metric that no run has is an error naming the metrics
    /// the runs do have that look like it.</summary>
    public Fin<Seq<IndexedRun>> Order(Seq<IndexedRun> kept)
    {
        var byCreation = kept.OrderBy(r => r.Entry.Created).ThenBy(r => r.Entry.Directory, StringComparer.Ordinal).ToArray();
        if (By is not { } metric)
            return toSeq(Top is { } newest && newest < byCreation.Length ? byCreation[^newest..] : byCreation);
        double? Value(IndexedRun r)
        {
            foreach (var (name, value) in r.Entry.Metrics)
                if (name == metric) return value;
            return null;
        }
        if (!kept.IsEmpty && !kept.Exists(r => Value(r) is not null))
        {
            var names = kept.Bind(r => r.Entry.Metrics.Map(m => m.Name)).Distinct().ToSeq();
            return FinFail<Seq<IndexedRun>>(new SortMetricNotFound(metric, NearMetrics(metric, names)));
        }
        var ordered = byCreation
            .OrderBy(r => Value(r) is null || double.IsNaN(Value(r)!.Value) ? 1 : 0)
            .ThenBy(r => Ascending ? Value(r) ?? 0 : -(Value(r) ?? 0))
            .ToArray();
        return toSeq(Top is { } top && top < ordered.Length ? ordered[..top] : ordered);
    }

    static Seq<string> NearMetrics(string metric, Seq<string> names) =>
        toSeq(names.Map(n => (Name: n, Distance: ConfigKeys.Distance(metric.ToLowerInvariant(), n.ToLowerInvariant())))
            .Filter(x => x.Distance <= Math.Max(2, metric.Length / 3) || x.Name.Contains(metric, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(RunLookup.MostNearMatches).Select(x => x.Name).ToArray());
}

/// <summary>Typed equality between a config value and a value given on the command line.</summary>
public static class RunParams
{
    /// <param name="given">null, a boolean, a number (any .NET numeric type) or text.</param>
    public static bool Equal(ConfigValue value, object? given) => (value, given) switch
    {
        (ConfigNull, null) => true,
        (ConfigNull, _) or (_, null) => false,
        (ConfigBool b, bool g) => b.Value == g,
        (ConfigBool b, string g) => bool.TryParse(g.Trim(), out var parsed) && parsed == b.Value,
        (ConfigInt i, string g) => Number(g) is { } n && n == i.Value,
        (ConfigFloat f, string g) => Number(g) is { } n && n.Equals(f.Value),
        (ConfigInt i, long g) => i.Value == g,
        (ConfigInt i, int g) => i.Value == g,
        (ConfigInt i, _) when Number(given) is { } n => n == i.Value,
        (ConfigFloat f, _) when Number(given) is { } n => n.Equals(f.Value),
        (ConfigString s, _) => string.Equals(s.Value, Convert.ToString(given, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase),
        _ => string.Equals(value.Display, Convert.ToString(given, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase),
    };

    static double? Number(object? given) => given switch
    {
        string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        bool => null,
        IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };
}
