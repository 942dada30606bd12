using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Tables;
using RunTools.Shell.Tables;

namespace RunTools.Shell.Training;

/// <summary>
/// A fold plan on disk (<see cref="RunLayout.FoldPlan"/>): <c>folds/&lt;name&gt;.parquet</c> with one row per (repeat, outer
/// fold, inner fold, row key) and its role (columns repeat, outer_fold, inner_fold, row_key, role, and row: the data
/// row's index), and <c>folds/&lt;name&gt;.json</c>, the summary (settings, content hash, per-fold counts). Training reads the plan back
/// from these files (the run directory is the only hand-off) and checks that it is the plan that was made (see
/// <see cref="Check"/>).
/// </summary>
public static class FoldPlanFiles
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new TimeRangeJson() },
    };

    /// <summary>A time range as <c>{"first": ..., "last": ..., "points": n}</c>, its bounds ISO-8601 UTC for instants.</summary>
    sealed class TimeRangeJson : System.Text.Json.Serialization.JsonConverter<TimeRange>
    {
        public override TimeRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Fold plan summaries are written, never read back.");

        public override void Write(Utf8JsonWriter writer, TimeRange value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("first");
            JsonSerializer.Serialize(writer, value.Show(value.First), options);
            writer.WritePropertyName("last");
            JsonSerializer.Serialize(writer, value.Show(value.Last), options);
            writer.WriteNumber("points", value.Points);
            writer.WriteEndObject();
        }
    }

    static readonly string[] RoleTexts = Enum.GetValues<FoldRole>().Select(r => r.ToString().ToLowerInvariant()).ToArray();

    /// <summary>The plan's rows as a table, filled in one pass (a plan has folds × rows entries: 1.7 million for
    /// 100,000 rows in 5 × 3 nested folds).</summary>
    /// <param name="keys">The row key of every data row in the id column's type (<see cref="OutputColumns.Keys(DataSet, string)"/>):
    /// the <c>row_key</c> column; without it, the plan's keys as text.</param>
    public static Table ToTable(FoldPlan plan, Column? keys = null)
    {
        var count = plan.Folds.Sum(f => f.Train.Count + f.Held.Count);
        var repeat = new long?[count];
        var outer = new long?[count];
        var inner = new long?[count];
        var row = new long?[count];
        var key = new string?[count];
        var role = new string?[count];
        var i = 0;
        foreach (var r in plan.Rows())
        {
            repeat[i] = r.Repeat;
            outer[i] = r.OuterFold;
            inner[i] = r.InnerFold;
            row[i] = r.Row;
            if (keys is null) key[i] = r.RowKey;
            role[i] = RoleTexts[(int)r.Role];
            i++;
        }
        return Table.Create(
                new IntegerColumn("repeat", ImmutableCollectionsMarshal.AsImmutableArray(repeat)),
                new IntegerColumn("outer_fold", ImmutableCollectionsMarshal.AsImmutableArray(outer)),
                new IntegerColumn("inner_fold", ImmutableCollectionsMarshal.AsImmutableArray(inner)),
                keys is null
                    ? new TextColumn("row_key", ImmutableCollectionsMarshal.AsImmutableArray(key))
                    : OutputColumns.Gather(keys, row.Select(r => (int)r!.Value), OutputColumns.RowKey),
                new TextColumn("role", ImmutableCollectionsMarshal.AsImmutableArray(role)),
                new IntegerColumn("row", ImmutableCollectionsMarshal.AsImmutableArray(row)))
            .Match(t => t, e => throw new InvalidOperationException(e.Message));
    }

    public static string SummaryJson(string name, FoldSummary summary) =>
        JsonSerializer.Serialize(new { name, summary.ContentHash, summary.Rows, summary.Spec, summary.Classes, summary.Groups, summary.Times, folds = summary.Folds.ToArray() }, Json);

    /// <summary>Writes both files atomically; returns their paths relative to the run. The plan's content hash (a pass
    /// over every entry, which the summary holds) is computed on another core while the table is written.</summary>
    /// <param name="keys">The <c>row_key</c> column's values, one per data row, in the id column's type (see <see cref="ToTable"/>).</param>
    public static Fin<Seq<string>> Write(string runDirectory, string name, FoldPlan plan, FoldData data, Column? keys = null)
    {
        var hashing = Task.Run(() => plan.ContentHash);
        var files = RunLayout.FoldPlan(name);
        var table = TableFiles.WriteParquet(Path.Combine(runDirectory, files.Parquet), ToTable(plan, keys));
        hashing.GetAwaiter().GetResult();
        return from _ in table
               let summary = plan.Summary(data)
               from __ in FileWrites.Try(files.Summary, "write", () => AtomicFile.WriteText(Path.Combine(runDirectory, files.Summary), SummaryJson(name, summary)))
               select files.Files;
    }

    /// <summary>A plan's files as read: the summary's settings and content hash, the table's integer columns and roles,
    /// and the Parquet file's hash. <see cref="Check"/> turns them into the plan, against the data's rows.</summary>
    public sealed record StoredPlan(string ParquetPath, FoldSpec Spec, string SummaryHash, Table Table, FileHash ParquetHash);

    /// <summary>Reads a plan's files. Only the integer columns and the role of the table are decoded: the plan is
    /// rebuilt from the row indices. Needs nothing of the data, so it can run while the data is read.</summary>
    public static Fin<StoredPlan> ReadFiles(string runDirectory, string name)
    {
        var summaryPath = Path.Combine(runDirectory, RunLayout.FoldPlan(name).Summary);
        var parquetPath = Path.Combine(runDirectory, RunLayout.FoldPlan(name).Parquet);
        if (!File.Exists(summaryPath) || !File.Exists(parquetPath))
            return FinFail<StoredPlan>(new FoldPlanNotFound(name, runDirectory));
        return from summary in ReadSummary(summaryPath)
               from table in TableFiles.ReadColumns(parquetPath, Seq("repeat", "outer_fold", "inner_fold", "row", "role"))
               from hash in FileInspector.Hash(parquetPath, parquetPath)
               select new StoredPlan(parquetPath, summary.Spec, summary.Hash, table, hash);
    }

    /// <summary>
    /// The stored plan against the current data rows, with its content hash: it must be the plan that hash says, so
    /// that every row index still names the same row key. Two ways to know it, for a caller that has checked that the
    /// data file is the one the plan was made from:
    /// <list type="bullet">
    /// <item>the Parquet file still has the SHA-256 that the plan's stage recorded for it (<paramref name="recorded"/>):
    /// the same bytes against the same rows rebuild the plan that stage wrote, whose content hash it recorded;</item>
    /// <item>otherwise the content hash is computed and must equal the one in the plan's summary file.</item>
    /// </list>
    /// </summary>
    public static Fin<(FoldPlan Plan, string ContentHash)> Check(StoredPlan stored, Seq<string> dataRowKeys,
        (string FileSha256, string ContentHash)? recorded) =>
        from plan in Rebuild(stored.Table, stored.Spec, dataRowKeys, stored.ParquetPath)
        from hash in recorded is { } r && stored.ParquetHash.Sha256 == r.FileSha256
            ? FinSucc(r.ContentHash)
            : plan.ContentHash == stored.SummaryHash
                ? FinSucc(stored.SummaryHash)
                : FinFail<string>(new RunCorrupted(stored.ParquetPath, $"the plan's content hash is {plan.ContentHash[..12]}…, its summary says {stored.SummaryHash[..12]}…"))
        select (plan, hash);

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
    static Fin<FoldPlan> Rebuild(Table table, FoldSpec spec, Seq<string> dataRowKeys, string path) =>
        from repeats in table.Column<IntegerColumn>("repeat")
        from outers in table.Column<IntegerColumn>("outer_fold")
        from inners in table.Column<IntegerColumn>("inner_fold")
        from rows in table.Column<IntegerColumn>("row")
        from roles in table.Column<TextColumn>("role")
        from folds in Group(repeats, outers, inners, rows, roles, dataRowKeys.Count, path)
        select new FoldPlan(spec, dataRowKeys, folds);

    static Fin<Seq<Fold>> Group(IntegerColumn repeats, IntegerColumn outers, IntegerColumn inners, IntegerColumn rows, TextColumn roles,
        int dataRows, string path)
    {
        var groups = new Dictionary<(int Repeat, int Outer, int Inner), (List<int> Train, List<int> Held)>();
        for (var r = 0; r < rows.Values.Length; r++)
        {
            if (rows.Values[r] is not { } index || index < 0 || index >= dataRows)
                return FinFail<Seq<Fold>>(new RunCorrupted(path, $"row {r + 1} names data row {rows.Values[r]}, but the data has {dataRows} rows"));
            var row = (int)index;
            var id = ((int)(repeats.Values[r] ?? 0), (int)(outers.Values[r] ?? 0), (int)(inners.Values[r] ?? -1));
            if (!groups.TryGetValue(id, out var members)) groups[id] = members = ([], []);
            (roles.Values[r] == "train" ? members.Train : members.Held).Add(row);
        }
        var ordered = groups.Keys
            .OrderBy(k => k.Outer < 0 ? 1 : 0).ThenBy(k => k.Repeat).ThenBy(k => k.Outer).ThenBy(k => k.Inner);
        return toSeq(ordered.Select(k => new Fold(k.Repeat, k.Outer, k.Inner,
            toSeq(groups[k].Train.Order().ToArray()), toSeq(groups[k].Held.Order().ToArray()))).ToArray());
    }
}

public sealed record FoldPlanNotFound(string Name, string Run)
    : RunError($"The run has no fold plan '{Excerpt.Of(Name)}': create it with New-RunFoldPlan first.", 1610)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Name;
}
