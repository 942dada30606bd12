using RunTools.Domain;

namespace RunTools.Comparison;

// Errors of Measure-Run and Compare-Run -Table. Codes 24xx.

/// <summary>A -GroupBy key that is neither a run property (Name, Key, Status) nor a config key of any run given.</summary>
public sealed record GroupKeyNotFound(string GroupKey, Seq<string> NearMatches)
    : RunError($"No run given has the config key '{Excerpt.Of(GroupKey)}', and it is not a run property (Name, Key, Status)"
        + (NearMatches.IsEmpty ? "." : $". Did you mean {Excerpt.Names(NearMatches)}?"), 2401)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => GroupKey;
}

/// <summary>A metric named without wildcards (-Metric) that no run given has.</summary>
public sealed record MetricNotInRuns(string Metric, Seq<string> Known)
    : RunError($"No run given has the metric '{Excerpt.Of(Metric)}'"
        + (Known.IsEmpty ? " (they have no metrics)." : $"; they have {Excerpt.Names(Known)}."), 2402)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Metric;
}

/// <summary>-Baseline names no run of the comparison.</summary>
public sealed record BaselineNotCompared(string Baseline, Seq<string> Runs)
    : RunError($"The baseline '{Excerpt.Of(Baseline)}' is not one of the runs compared ({Excerpt.Names(Runs)}); give one of their names.", 2403)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Baseline;
}
