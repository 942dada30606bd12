using System.Globalization;

namespace RunTools.Shell.Tests.Faults;

/// <summary>Everything the harness processes acknowledged (see RunTools.FaultHarness.Operations for the lines): each is
/// on disk, whatever happened afterwards.</summary>
public sealed class Acknowledged
{
    public System.Collections.Generic.HashSet<string> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>Metric values by metric name (each name is written by one writer: 1, 2, 3, ...).</summary>
    public Dictionary<string, SortedSet<double>> Metrics { get; } = new(StringComparer.Ordinal);

    public System.Collections.Generic.HashSet<(string Path, string Sha256)> Artifacts { get; } = [];

    public System.Collections.Generic.HashSet<(string Stage, int Attempt, string Output, string Sha256)> Stages { get; } = [];

    public int Repairs { get; private set; }

    /// <summary>Runs Import-RunBundle put in place.</summary>
    public System.Collections.Generic.HashSet<string> Imports { get; } = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public void AddAll(IEnumerable<string> acks)
    {
        foreach (var ack in acks) Add(ack);
    }

    public void Add(string ack)
    {
        var p = ack.Split(' ');
        switch (p[0])
        {
            case "run":
                Runs.Add(ack["run ".Length..]);
                break;
            case "metric" when p.Length == 3:
                var value = double.Parse(p[2], CultureInfo.InvariantCulture);
                if (!(Metrics.TryGetValue(p[1], out var values) ? values : Metrics[p[1]] = []).Add(value))
                    throw new Xunit.Sdk.XunitException($"the value {value} of {p[1]} was acknowledged twice");
                break;
            case "artifact" when p.Length == 3:
                Artifacts.Add((p[1], p[2]));
                break;
            case "stage" when p.Length == 5:
                Stages.Add((p[1], int.Parse(p[2], CultureInfo.InvariantCulture), p[3], p[4]));
                break;
            case "repair" when p.Length == 2:
                Repairs++;
                break;
            case "import":
                Imports.Add(ack["import ".Length..]);
                break;
            default:
                throw new Xunit.Sdk.XunitException($"not an acknowledgement: '{ack}'");
        }
        Count++;
    }
}
