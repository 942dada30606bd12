using System.Runtime.InteropServices;

namespace RunTools.Folds;

/// <summary>
/// The columns of a <see cref="FoldData"/> as arrays of small integers, built once per plan so the splitters do no
/// string work: labels and groups as ids in ordinal order of their text, times as ranks among the distinct finite
/// times (-1 for NaN or infinite). Ordinal order makes every tie-break independent of culture and platform.
/// Built fresh and never changed after construction.
/// </summary>
internal sealed class FoldColumns
{
    public int Rows { get; }
    public string[] Keys { get; }
    public int[]? ClassOf { get; }
    public string[] Classes { get; }
    public int[]? GroupOf { get; }
    public int GroupCount { get; }
    public int[]? TimeRank { get; }
    /// <summary>The distinct finite times, ascending; <see cref="TimeRank"/> indexes into it.</summary>
    public double[] TimePoints { get; }
    /// <summary>The times are UTC ticks (see <see cref="FoldData.TimesAreInstants"/>).</summary>
    public bool TimesAreInstants { get; }

    private FoldColumns(FoldData data)
    {
        Keys = data.RowKeys.ToArray();
        Rows = Keys.Length;
        (ClassOf, Classes) = data.Labels is { } labels ? Ids(labels) : (null, []);
        string[] groupNames;
        (GroupOf, groupNames) = data.Groups is { } groups ? Ids(groups) : (null, []);
        GroupCount = groupNames.Length;
        (TimeRank, TimePoints) = data.Times is { } times ? Ranks(times) : (null, []);
        TimesAreInstants = data.TimesAreInstants;
    }

    /// <summary>Columns of data whose column lengths are already known to match the row keys.</summary>
    public static FoldColumns Of(FoldData data) => new(data);

    /// <summary>Each value's id in the ordinal order of the distinct values (null counts as "").</summary>
    private static (int[] Ids, string[] Names) Ids(Seq<string> values)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var raw = values.ToArray();
        var idOf = new int[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(ids, raw[i] ?? "", out var exists);
            if (!exists) id = ids.Count - 1;
            idOf[i] = id;
        }
        var names = new string[ids.Count];
        foreach (var (name, id) in ids) names[id] = name;
        var byName = Enumerable.Range(0, names.Length).ToArray();
        System.Array.Sort(names, byName, StringComparer.Ordinal);
        var rank = new int[names.Length];
        for (var n = 0; n < names.Length; n++) rank[byName[n]] = n;
        for (var i = 0; i < idOf.Length; i++) idOf[i] = rank[idOf[i]];
        return (idOf, names);
    }

    /// <summary>Each finite time's rank among the distinct finite times; 0.0 and -0.0 are one time point.</summary>
    private static (int[] Ranks, double[] Points) Ranks(Seq<double> times)
    {
        var values = times.ToArray();
        var ranks = new int[values.Length];
        var finite = 0;
        for (var r = 0; r < values.Length; r++)
        {
            ranks[r] = -1;
            if (double.IsFinite(values[r])) finite++;
        }
        var sorted = new double[finite];
        var rows = new int[finite];
        for (int r = 0, j = 0; r < values.Length; r++)
            if (double.IsFinite(values[r]))
            {
                sorted[j] = values[r];
                rows[j++] = r;
            }
        System.Array.Sort(sorted, rows);
        var points = new List<double>();
        for (var j = 0; j < sorted.Length; j++)
        {
            if (j == 0 || sorted[j] != sorted[j - 1]) points.Add(sorted[j] + 0.0); // + 0.0 turns -0.0 into 0.0
            ranks[rows[j]] = points.Count - 1;
        }
        return (ranks, points.ToArray());
    }
}
