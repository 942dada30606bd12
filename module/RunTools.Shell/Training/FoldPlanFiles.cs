using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Shell.Files;
using RunTools.Tables;
using RunTools.Shell.Tables;

namespace RunTools.Shell.Training;

/// <summary>
/// A fold plan on disk: <c>folds/&lt;name&gt;.parquet</c> with one row per (repeat, outer fold, inner fold, row key) and
/// its role, and <c>folds/&lt;name&gt;.json</c>, the summary (settings, content hash, per-fold counts). Training reads
/// the plan back from these files (the run directory is the only hand-off) and checks its content hash.
/// </summary>
public static class FoldPlanFiles
{
    public const string Directory = "folds";

    public static string ParquetPath(string name) => $"{Directory}/{name}.parquet";

    public static string SummaryPath(string name) => $"{Directory}/{name}.json";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Table ToTable(FoldPlan plan)
    {
        var rows = plan.Rows().ToList();
        return Table.Create(
            new IntegerColumn("repeat", rows.Select(r => (long?)r.Repeat).ToImmutableArray()),
            new IntegerColumn("outer_fold", rows.Select(r => (long?)r.OuterFold).ToImmutableArray()),
            new IntegerColumn("inner_fold", rows.Select(r => (long?)r.InnerFold).ToImmutableArray()),
            new TextColumn("row_key", rows.Select(r => (string?)r.RowKey).ToImmutableArray()),
            new TextColumn("role", rows.Select(r => (string?)RoleText(r.Role)).ToImmutableArray()))
            .Match(t => t, e => throw new InvalidOperationException(e.Message));
    }

    static string RoleText(FoldRole role) => role.ToString().ToLowerInvariant();

    public static string SummaryJson(string name, FoldSummary summary) =>
        JsonSerializer.Serialize(new { name, summary.ContentHash, summary.Rows, summary.Spec, summary.Classes, summary.Groups, summary.Times, folds = summary.Folds.ToArray() }, Json);

    /// <summary>Writes both files atomically; returns their paths relative to the run.</summary>
    public static Fin<Seq<string>> Write(string runDirectory, string name, FoldPlan plan, FoldSummary summary) =>
        from _ in TableFiles.WriteParquet(Path.Combine(runDirectory, ParquetPath(name)), ToTable(plan))
        from __ in Try(() => AtomicFile.WriteText(Path.Combine(runDirectory, SummaryPath(name)), SummaryJson(name, summary)), SummaryPath(name))
        select Seq(ParquetPath(name), SummaryPath(name));

    /// <summary>Reads a plan back against the current data rows: every row key of the plan must be a data row, and the
    /// rebuilt plan must have the content hash its summary recorded.</summary>
    public static Fin<FoldPlan> Read(string runDirectory, string name, Seq<string> dataRowKeys)
    {
        var summaryPath = Path.Combine(runDirectory, SummaryPath(name));
        var parquetPath = Path.Combine(runDirectory, ParquetPath(name));
        if (!File.Exists(summaryPath) || !File.Exists(parquetPath))
            return FinFail<FoldPlan>(new FoldPlanNotFound(name, runDirectory));
        return from summary in ReadSummary(summaryPath)
               from table in TableFiles.Read(parquetPath)
               from plan in Rebuild(table, summary.Spec, dataRowKeys, parquetPath)
               from _ in plan.ContentHash == summary.Hash
                   ? FinSucc(unit)
                   : FinFail<Unit>(new RunCorrupted(parquetPath, $"the plan's content hash is {plan.ContentHash[..12]}…, its summary says {summary.Hash[..12]}…"))
               select plan;
    }

    static Fin<(FoldSpec Spec, string Hash)> ReadSummary(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            return from spec in Spec(root.GetProperty("spec"), path)
                   select (spec, root.GetProperty("content_hash").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return FinFail<(FoldSpec, string)>(new RunCorrupted(path, $"the fold plan summary cannot be read: {e.Message}"));
        }
    }

    static Fin<FoldSpec> Spec(JsonElement s, string path)
    {
        var kind = FoldSpecs.ParseKind(s.GetProperty("kind").GetString()!);
        if (kind.IsNone) return FinFail<FoldSpec>(new RunCorrupted(path, $"unknown fold kind '{s.GetProperty("kind").GetString()}'"));
        WalkForwardSpec? walk = null;
        if (s.TryGetProperty("walk_forward", out var w) && w.ValueKind == JsonValueKind.Object)
        {
            var window = FoldSpecs.ParseWindow(w.GetProperty("window").GetString()!).IfNone(WindowKind.Expanding);
            walk = new WalkForwardSpec(window, Int(w, "horizon"), w.GetProperty("gap").GetInt32(), Int(w, "train_size"), w.GetProperty("min_train").GetInt32());
        }
        FoldSpec? innerSpec = null;
        if (s.TryGetProperty("inner", out var i) && i.ValueKind == JsonValueKind.Object)
        {
            var parsed = Spec(i, path);
            if (parsed.IsFail) return parsed;
            innerSpec = (FoldSpec)parsed;
        }
        return new FoldSpec((FoldKind)kind, s.GetProperty("k").GetInt32(), s.GetProperty("repeats").GetInt32(),
            s.GetProperty("seed").GetUInt64(), s.GetProperty("shuffle").GetBoolean(), walk, innerSpec, s.GetProperty("production").GetBoolean());

        static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
    }

    /// <summary>Rows back into folds, in the planner's order: for each repeat, each outer fold followed by its inner
    /// folds; the production fold and its inner folds last.</summary>
    static Fin<FoldPlan> Rebuild(Table table, FoldSpec spec, Seq<string> dataRowKeys, string path)
    {
        var index = new Dictionary<string, int>(dataRowKeys.Count, StringComparer.Ordinal);
        var i = 0;
        foreach (var key in dataRowKeys) index[key] = i++;
        return from repeats in table.Column<IntegerColumn>("repeat")
               from outers in table.Column<IntegerColumn>("outer_fold")
               from inners in table.Column<IntegerColumn>("inner_fold")
               from keys in table.Column<TextColumn>("row_key")
               from roles in table.Column<TextColumn>("role")
               from folds in Group(repeats, outers, inners, keys, roles, index, path)
               select new FoldPlan(spec, dataRowKeys, folds);
    }

    static Fin<Seq<Fold>> Group(IntegerColumn repeats, IntegerColumn outers, IntegerColumn inners, TextColumn keys, TextColumn roles,
        Dictionary<string, int> index, string path)
    {
        var groups = new Dictionary<(int Repeat, int Outer, int Inner), (List<int> Train, List<int> Held)>();
        for (var r = 0; r < keys.Values.Length; r++)
        {
            if (keys.Values[r] is not { } key || !index.TryGetValue(key, out var row))
                return FinFail<Seq<Fold>>(new RunCorrupted(path, $"row {r + 1} names the row key '{keys.Values[r]}', which the data does not have"));
            var id = ((int)(repeats.Values[r] ?? 0), (int)(outers.Values[r] ?? 0), (int)(inners.Values[r] ?? -1));
            if (!groups.TryGetValue(id, out var members)) groups[id] = members = ([], []);
            (roles.Values[r] == "train" ? members.Train : members.Held).Add(row);
        }
        var ordered = groups.Keys
            .OrderBy(k => k.Outer < 0 ? 1 : 0).ThenBy(k => k.Repeat).ThenBy(k => k.Outer).ThenBy(k => k.Inner);
        return toSeq(ordered.Select(k => new Fold(k.Repeat, k.Outer, k.Inner,
            toSeq(groups[k].Train.Order().ToArray()), toSeq(groups[k].Held.Order().ToArray()))).ToArray());
    }

    static Fin<Unit> Try(Action write, string path)
    {
        try
        {
            write();
            return unit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Unit>(new StorageFailed(path, "write", e.Message));
        }
    }
}

public sealed record FoldPlanNotFound(string Name, string Run)
    : RunError($"The run has no fold plan '{Name}': create it with New-RunFoldPlan first.", 1610)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Name;
}
