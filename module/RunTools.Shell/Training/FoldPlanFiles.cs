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

    /// <summary>A plan's files as read: the summary's settings and content hash, the table's entries, and the Parquet
    /// file's hash. <see cref="Check"/> turns them into the plan, against the data's rows.</summary>
    public sealed record StoredPlan(string ParquetPath, FoldSpec Spec, string SummaryHash, PlanEntries Entries, FileHash ParquetHash);

    /// <summary>The plan table's entries as training needs them, in compact arrays: a plan has folds × rows entries
    /// (1.7 million for 100,000 rows in 5 × 3 nested folds), so nothing of it is held as nullable 64-bit values or as
    /// role strings. A missing repeat or outer fold reads as 0, a missing inner fold as -1 (the table's nulls);
    /// <see cref="MissingRow"/> marks a missing row index.</summary>
    public sealed record PlanEntries(int[] Repeat, int[] Outer, int[] Inner, long[] Row, bool[] Train)
    {
        public const long MissingRow = long.MinValue;

        public int Count => Row.Length;
    }

    /// <summary>Reads a plan's files. Only the integer columns and the role of the table are decoded: the plan is
    /// rebuilt from the row indices. Needs nothing of the data, so it can run while the data is read.</summary>
    public static Fin<StoredPlan> ReadFiles(string runDirectory, string name)
    {
        var summaryPath = Path.Combine(runDirectory, RunLayout.FoldPlan(name).Summary);
        var parquetPath = Path.Combine(runDirectory, RunLayout.FoldPlan(name).Parquet);
        if (!File.Exists(summaryPath) || !File.Exists(parquetPath))
            return FinFail<StoredPlan>(new FoldPlanNotFound(name, runDirectory));
        return from summary in ReadSummary(summaryPath)
               from entries in ReadEntries(parquetPath)
               from hash in FileInspector.Hash(parquetPath, parquetPath)
               select new StoredPlan(parquetPath, summary.Spec, summary.Hash, entries, hash);
    }

    /// <summary>
    /// The plan table's repeat, outer_fold, inner_fold, row and role columns, one row group at a time straight into
    /// <see cref="PlanEntries"/>' arrays: the role becomes a flag as each row group is decoded, so the table's role
    /// strings (and Parquet.Net's buffers for them) never outlive their row group. The footer is checked as for any
    /// Parquet input (<see cref="ParquetTables.OpenChecked"/>).
    /// </summary>
    static Fin<PlanEntries> ReadEntries(string path)
    {
        var limits = RunTools.Shell.Hosting.ShellLimits.Or(null);
        if (limits.IsFail) return limits.Map(_ => default(PlanEntries)!);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var reader = ParquetTables.OpenChecked(path, stream, (InputLimits)limits);
            try
            {
                var fields = reader.Schema.GetDataFields();
                Parquet.Schema.DataField Field(string column) =>
                    fields.FirstOrDefault(f => f.Name == column && f.MaxRepetitionLevel == 0) is { } f
                        ? f
                        : throw new TableFileException(new RunCorrupted(path, $"the fold plan has no column '{column}'"));
                var (repeat, outer, inner, row, role) = (Field("repeat"), Field("outer_fold"), Field("inner_fold"), Field("row"), Field("role"));
                foreach (var integer in new[] { repeat, outer, inner, row })
                    if (integer.ClrType != typeof(long))
                        throw new TableFileException(new RunCorrupted(path, $"the fold plan's column '{integer.Name}' holds {integer.ClrType.Name}, not Int64"));
                if (role.ClrType != typeof(string) && role.ClrType != typeof(ReadOnlyMemory<char>))
                    throw new TableFileException(new RunCorrupted(path, $"the fold plan's column 'role' holds {role.ClrType.Name}, not text"));

                var total = reader.RowGroups.Sum(g => g.RowCount);
                if (total > System.Array.MaxLength)
                    throw new TableFileException(new RunCorrupted(path, $"the fold plan declares {total} entries"));
                var entries = new PlanEntries(new int[total], new int[total], new int[total], new long[total], new bool[total]);
                var offset = 0;
                long?[] numbers = [];
                string?[] texts = [];
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    var group = reader.OpenRowGroupReader(g);
                    var count = (int)group.RowCount;
                    if (numbers.Length < count) (numbers, texts) = (new long?[count], new string?[count]);
                    Integers(group, repeat, numbers, count, (i, v) => entries.Repeat[offset + i] = (int)(v ?? 0));
                    Integers(group, outer, numbers, count, (i, v) => entries.Outer[offset + i] = (int)(v ?? 0));
                    Integers(group, inner, numbers, count, (i, v) => entries.Inner[offset + i] = (int)(v ?? -1));
                    Integers(group, row, numbers, count, (i, v) => entries.Row[offset + i] = v ?? PlanEntries.MissingRow);
                    Wait(group.ReadAsync(role, texts.AsMemory(0, count)).AsTask());
                    for (var i = 0; i < count; i++) entries.Train[offset + i] = texts[i] == TrainRole;
                    System.Array.Clear(texts, 0, count);
                    offset += count;
                }
                return entries;
            }
            finally
            {
                Wait(reader.DisposeAsync().AsTask());
            }
        }
        catch (TableFileException e)
        {
            return FinFail<PlanEntries>(e.Error);
        }
        catch (Exception e) when (e is not (UnauthorizedAccessException or OutOfMemoryException or InsufficientExecutionStackException))
        {
            // Parquet.Net reports a malformed file with assorted exception types (IOException among them).
            return FinFail<PlanEntries>(new DataFileInvalid(path, $"not a readable Parquet file: {e.Message}"));
        }

        // A required column must not be read into a nullable buffer (see ParquetTables' Values reader).
        static void Integers(Parquet.ParquetRowGroupReader group, Parquet.Schema.DataField field, long?[] buffer, int count, Action<int, long?> set)
        {
            if (!field.IsNullable)
            {
                var required = new long[count];
                Wait(group.ReadAsync<long>(field, required.AsMemory()).AsTask());
                for (var i = 0; i < count; i++) set(i, required[i]);
                return;
            }
            Wait(group.ReadAsync<long>(field, buffer.AsMemory(0, count)).AsTask());
            for (var i = 0; i < count; i++) set(i, buffer[i]);
        }

        static void Wait(Task task) => task.GetAwaiter().GetResult();
    }

    static readonly string TrainRole = RoleTexts[(int)FoldRole.Train];

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
        from plan in Rebuild(stored.Entries, stored.Spec, dataRowKeys, stored.ParquetPath)
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
    static Fin<FoldPlan> Rebuild(PlanEntries entries, FoldSpec spec, Seq<string> dataRowKeys, string path) =>
        Group(entries, dataRowKeys.Count, path).Map(folds => new FoldPlan(spec, dataRowKeys, folds));

    static Fin<Seq<Fold>> Group(PlanEntries entries, int dataRows, string path)
    {
        var groups = new Dictionary<(int Repeat, int Outer, int Inner), (List<int> Train, List<int> Held)>();
        for (var r = 0; r < entries.Count; r++)
        {
            var index = entries.Row[r];
            if (index < 0 || index >= dataRows)
                return FinFail<Seq<Fold>>(new RunCorrupted(path,
                    $"row {r + 1} names data row {(index == PlanEntries.MissingRow ? "" : index.ToString(System.Globalization.CultureInfo.InvariantCulture))}, but the data has {dataRows} rows"));
            var id = (entries.Repeat[r], entries.Outer[r], entries.Inner[r]);
            if (!groups.TryGetValue(id, out var members)) groups[id] = members = ([], []);
            (entries.Train[r] ? members.Train : members.Held).Add((int)index);
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
