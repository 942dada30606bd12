using RunTools.Config;
using RunTools.Indexing;

namespace RunTools.Views;

/// <summary>A run as the run index knows it: what Get-Run -Filter's script block sees as <c>$_</c>, before the run's
/// full object is built. Params and Metrics are case-insensitive maps (a missing key reads as null).</summary>
public sealed class RunIndexRow
{
    RunIndexRow(IndexedRun run)
    {
        var e = run.Entry;
        (Name, Key, Id, Status, Created, Started, Ended) = (e.Name, e.Key, e.Id, run.Observed.ToString(), e.Created, e.Started, e.Ended);
        Params = new ValueMap<object?>(e.Params.Map(p => (p.Key, ConfigPlain.ToPlain(p.Value))), StringComparer.OrdinalIgnoreCase);
        Metrics = new ValueMap<double>(e.Metrics.Map(m => (m.Name, m.Value)), StringComparer.OrdinalIgnoreCase);
    }

    public static RunIndexRow Of(IndexedRun run) => new(run);

    /// <summary>The run's directory name.</summary>
    public string Name { get; }
    public string Key { get; }
    public Guid Id { get; }
    /// <summary>The observed status, as Get-Run shows it.</summary>
    public string Status { get; }
    public DateTimeOffset Created { get; }
    public DateTimeOffset? Started { get; }
    public DateTimeOffset? Ended { get; }
    /// <summary>The resolved config flattened to dotted keys (<c>model.lr</c>), with their typed values.</summary>
    public ValueMap<object?> Params { get; }
    /// <summary>Each metric's last value.</summary>
    public ValueMap<double> Metrics { get; }

    public override string ToString() => Name;
}
