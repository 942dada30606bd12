using System.Globalization;
using System.Text.RegularExpressions;
using RunTools.Domain;
using RunTools.Training;

namespace RunTools.Retention;

/// <summary>
/// What Remove-Run applies to a set of runs. <see cref="OlderThan"/> is a filter (only runs created longer ago are
/// removed); <see cref="KeepLast"/> and <see cref="KeepBest"/> are keep rules evaluated per key over every run the
/// policy is applied to, whatever their age. Without any rule, every run given is to be removed.
/// </summary>
/// <param name="KeepLast">Per key, the N newest runs (by creation time) are kept.</param>
/// <param name="KeepBest">Per key, the K runs with the best value of <see cref="Metric"/> are kept.</param>
/// <param name="LowerIsBetter">The direction of <see cref="Metric"/>: <see cref="Create"/> sets it when the user says so
/// or when the metric's name is a known lower-is-better one (see <see cref="IsLowerBetter"/>).</param>
/// <param name="Force">Also remove runs that other runs reference and runs a live process is working on. A locked run
/// is never removed.</param>
public sealed record RetentionPolicy(TimeSpan? OlderThan, int? KeepLast, int? KeepBest, string? Metric, bool LowerIsBetter, bool Force)
{
    /// <summary>Whether any rule was given; without one, the runs given are meant to be removed as they are, and a run
    /// that cannot be removed is an error rather than a run the policy keeps.</summary>
    public bool HasRules => OlderThan is not null || KeepLast is not null || KeepBest is not null;

    /// <summary>The metric names (or name segments, as in <c>cv/rmse</c>) where a smaller value is better.</summary>
    static readonly System.Collections.Generic.HashSet<string> LowerBetterNames = new(StringComparer.OrdinalIgnoreCase)
        { "loss", "error", "mse", "mape", "cross_entropy", "logloss" };

    /// <summary>Whether a smaller value of the metric is better, by its name: a '/'-separated segment (<c>cv/rmse</c>,
    /// <c>cv/log_loss/sd</c>) that is a known lower-is-better metric (log_loss, brier, rmse, mae, mse, mape, loss,
    /// error, cross_entropy), or that ends in <c>_loss</c> or <c>_error</c> (<c>val_loss</c>). Anything else, higher is better.</summary>
    public static bool IsLowerBetter(string metric) =>
        metric.Split('/').Any(segment =>
            !TrainingSpecs.HigherIsBetter(segment.ToLowerInvariant())
            || LowerBetterNames.Contains(segment)
            || segment.EndsWith("_loss", StringComparison.OrdinalIgnoreCase)
            || segment.EndsWith("_error", StringComparison.OrdinalIgnoreCase));

    /// <summary>An age as a user writes it: a number of days (<c>30</c>, <c>1.5</c>), a number with a unit (<c>30d</c>,
    /// <c>12h</c>, <c>90m</c>, <c>45s</c>, or the words: <c>2 days</c>, <c>1 hour</c>), or a TimeSpan
    /// (<c>30.00:00:00</c>, <c>12:00:00</c>). None for anything else.</summary>
    public static Option<TimeSpan> ParseAge(string text)
    {
        var match = AgePattern.Match(text);
        if (!match.Success)
            return TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var span) ? Some(span) : None;
        var amount = double.Parse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        return unit switch
        {
            "" or "d" or "day" or "days" => TimeSpan.FromDays(amount),
            "h" or "hour" or "hours" => TimeSpan.FromHours(amount),
            "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
    }

    static readonly Regex AgePattern = new(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<unit>|d|days?|h|hours?|m|min|minutes?|s|seconds?)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The policy, or every reason it cannot be applied (each names its parameter).</summary>
    /// <param name="runsNamed">Whether the runs were named (given, or chosen by key) rather than every run under a root:
    /// every run under a root is only removed by a rule.</param>
    public static Validation<RunError, RetentionPolicy> Create(TimeSpan? olderThan, int? keepLast, int? keepBest, string? metric,
        bool lowerIsBetter, bool force, bool runsNamed)
    {
        var problems = Seq(
            Problem(olderThan < TimeSpan.Zero, "OlderThan", $"{olderThan} is negative; give an age such as 30.00:00:00 (30 days)"),
            Problem(keepLast < 0, "KeepLast", $"{keepLast} is negative; give the number of newest runs to keep per key"),
            Problem(keepBest < 0, "KeepBest", $"{keepBest} is negative; give the number of best runs to keep per key"),
            Problem(keepBest is not null && string.IsNullOrWhiteSpace(metric), "Metric", "-KeepBest needs -Metric, the metric that ranks the runs"),
            Problem(keepBest is null && !string.IsNullOrWhiteSpace(metric), "KeepBest", $"-Metric {metric} ranks runs for -KeepBest; give -KeepBest too"),
            Problem(lowerIsBetter && string.IsNullOrWhiteSpace(metric), "LowerIsBetter", "-LowerIsBetter is the direction of -Metric; give -KeepBest and -Metric too"),
            Problem(!runsNamed && olderThan is null && keepLast is null && keepBest is null, "Root",
                "every run under a root is only removed by a rule: give -OlderThan, -KeepLast or -KeepBest, or -Key to remove every run of a key (-Key * for all)"))
            .Somes();
        return problems.IsEmpty
            ? Success<RunError, RetentionPolicy>(new RetentionPolicy(olderThan, keepLast, keepBest,
                string.IsNullOrWhiteSpace(metric) ? null : metric, lowerIsBetter || (metric is not null && IsLowerBetter(metric)), force))
            : Fail<RunError, RetentionPolicy>(problems);
    }

    static Option<RunError> Problem(bool failed, string parameter, string detail) =>
        failed ? Some<RunError>(new RetentionPolicyInvalid(parameter, detail)) : None;
}
