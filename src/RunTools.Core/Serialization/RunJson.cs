using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Stages;

namespace RunTools.Serialization;

/// <summary>A large value stored beside run.json, named by the SHA-256 of its bytes: <c>sidecars/&lt;sha256&gt;.json</c>.
/// Long name lists (features, columns) and large configs live there, so run.json and the event lines stay small.</summary>
public sealed record Sidecar(string Sha256, string Content)
{
    public string RelativePath => RunLayout.Sidecar(Sha256);

    public static Sidecar Of(string content) => new(RunJson.Sha256(Encoding.UTF8.GetBytes(content)), content);

    /// <summary>A sidecar file read back: its name must be the hash of its bytes.</summary>
    public static Fin<Sidecar> Parse(string sha256, ReadOnlySpan<byte> bytes, string source) =>
        RunJson.Sha256(bytes) == sha256
            ? FinSucc(new Sidecar(sha256, Encoding.UTF8.GetString(bytes)))
            : FinFail<Sidecar>(new RunCorrupted(source, "the sidecar's content does not match its hash"));
}

/// <summary>
/// run.json and events.jsonl. Field names are snake_case; times are UTC ISO-8601; unknown fields are ignored on read
/// (newer minor versions may add some); a schema_version above <see cref="RunManifest.CurrentSchemaVersion"/> is refused.
/// Lists longer than <see cref="InlineListLimit"/> and configs longer than <see cref="InlineConfigLimit"/> bytes are
/// written as sidecars. Every event line after the first carries <c>prev</c>, the SHA-256 of the line before it
/// (a hash chain); run.json carries the chain's head.
/// </summary>
public static class RunJson
{
    public const int InlineListLimit = 64;

    /// <summary>A config whose compact JSON is longer than this goes to a sidecar.</summary>
    public const int InlineConfigLimit = 16 * 1024;

    /// <summary>The deepest JSON read: a config at the depth ceiling with every map wrapped (<c>{"$map": ...}</c>
    /// doubles the levels), inside a manifest or an event. A deeper file is damaged or hostile, and is refused before
    /// anything walks it.</summary>
    const int MaxJsonDepth = 2 * InputLimits.DepthCeiling + 16;

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The hash of an event line (its UTF-8 bytes without the newline): the next line's <c>prev</c>.</summary>
    public static string LineHash(ReadOnlySpan<byte> line) => Sha256(line);

    // ---- run.json --------------------------------------------------------------------------------------------

    /// <summary>Encodes a manifest. <paramref name="eventsBytes"/> is the length of events.jsonl this manifest is
    /// the replay of, so a reader can tell whether run.json is current with one stat call.</summary>
    /// <param name="chainHead">The hash of the last event line of that events.jsonl.</param>
    /// <param name="chainedFrom">The first event whose line carries the hash of the one before it (2 for a log written
    /// with the chain; later for a log begun before it).</param>
    public static (string Json, Seq<Sidecar> Sidecars) EncodeManifest(RunManifest m, long eventsBytes, string? chainHead = null, long? chainedFrom = null)
    {
        var sidecars = new List<Sidecar>();
        var json = Json.Write(Json.Indented, w =>
        {
            w.WriteStartObject();
            WriteManifestFields(w, m, sidecars);
            w.WriteNumber("events_bytes", eventsBytes);
            w.StringOrNull("chain_head", chainHead);
            w.NumberOrNull("chained_from", chainedFrom);
            w.WriteEndObject();
        });
        return (json, toSeq(sidecars).Distinct());
    }

    static void WriteManifestFields(Utf8JsonWriter w, RunManifest m, List<Sidecar> sidecars)
    {
            w.WriteNumber("schema_version", m.SchemaVersion);
            w.WriteString("run_id", m.RunId.ToString());
            w.WriteString("name", m.Name);
            w.WriteString("key", m.Key);
            w.Time("created_at", m.CreatedAt);
            w.WriteString("package_version", m.PackageVersion);
            w.WriteString("status", Lifecycle.Text(m.Status));
            w.Time("started_at", m.StartedAt);
            w.Time("ended_at", m.EndedAt);
            w.NumberOrNull("duration_seconds", m.Duration?.TotalSeconds);
            w.StringOrNull("status_message", m.StatusMessage);
            w.ObjectOrNull("last_error", m.LastError, WriteError);
            w.ObjectOrNull("owner", m.Owner, WriteProcess);
            w.Array("inputs", m.Inputs, (w, i) => WriteInput(w, i, sidecars));
            WriteConfig(w, m.Config, sidecars);
            w.WriteString("config_sha256", m.ConfigSha256);
            w.Array("config_files", m.ConfigFiles, WriteFileHash);
            w.Array("secrets", m.Secrets, WriteSecret);
            WriteNameList(w, "feature_list", m.FeatureList, sidecars);
            w.StringOrNull("label", m.Label);
            w.ObjectOrNull("environment", m.Environment, WriteEnvironment);
            w.ObjectOrNull("git", m.Git, WriteGit);
            w.Array("lineage", m.Lineage, WriteLineage);
            w.Array("stages", m.Stages, WriteStage);
            w.Array("artifacts", m.Artifacts, WriteArtifact);
            w.Array("metrics", m.Metrics, WriteMetric);
            w.Array("fold_plans", m.FoldPlans, WriteFoldPlan);
            w.WriteBoolean("locked", m.Locked);
            w.StringOrNull("lock_reason", m.LockReason);
            w.Array("repairs", m.Repairs, WriteRepair);
            w.WriteNumber("event_count", m.EventCount);
            w.Time("updated_at", m.UpdatedAt);
    }

    /// <summary>The result of reading run.json: the manifest, the events.jsonl length it was written for and the hash
    /// of that log's last line (null in run.json files written before the hash chain).</summary>
    public sealed record DecodedManifest(RunManifest Manifest, long EventsBytes, string? ChainHead, long? ChainedFrom);

    /// <param name="sidecars">The run's sidecar files by hash (the shell reads the sidecars directory).</param>
    /// <param name="source">The file, for errors.</param>
    public static Fin<DecodedManifest> DecodeManifest(string json, HashMap<string, string> sidecars, string source) =>
        Decode(json, source, root =>
            CheckVersion(root.Int("schema_version"), source).Map(_ =>
            {
                var chainHead = root.OptionalString("chain_head");
                return new DecodedManifest(ReadManifest(root, sidecars) with { ChainHead = chainHead }, root.Int("events_bytes"), chainHead,
                    root.OptionalInt("chained_from"));
            }));

    /// <summary>The schema_version of a run.json from its first bytes, without reading the rest (a writer checks it
    /// before it touches the run); null when it is not among them.</summary>
    public static long? PeekSchemaVersion(ReadOnlySpan<byte> head)
    {
        var reader = new Utf8JsonReader(head, isFinalBlock: false, default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.CurrentDepth >= 1)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("schema_version"u8))
                    return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return null;
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>A newer schema_version than this RunTools writes is refused.</summary>
    public static Fin<Unit> CheckVersion(long version, string source) =>
        version > RunManifest.CurrentSchemaVersion
            ? FinFail<Unit>(new SchemaVersionUnsupported(source, (int)Math.Min(version, int.MaxValue), RunManifest.CurrentSchemaVersion))
            : FinSucc(unit);

    static RunManifest ReadManifest(JsonFields root, HashMap<string, string> sidecars) =>
        new RunManifest(
            SchemaVersion: (int)root.Int("schema_version"),
            RunId: root.Guid("run_id"),
            Name: root.String("name"),
            Key: root.String("key"),
            CreatedAt: root.Time("created_at"),
            PackageVersion: root.String("package_version"),
            Status: root.Enum<RunStatus>("status"),
            StartedAt: root.OptionalTime("started_at"),
            EndedAt: root.OptionalTime("ended_at"),
            StatusMessage: root.OptionalString("status_message"),
            LastError: root.OptionalObject("last_error") is { } e ? ReadError(e) : null,
            Owner: root.OptionalObject("owner") is { } o ? ReadProcess(o) : null,
            Inputs: root.Array("inputs", i => ReadInput(i, sidecars)),
            Config: ReadConfig(root, sidecars),
            ConfigSha256: root.String("config_sha256"),
            FeatureList: ReadNameList(root.Object("feature_list"), sidecars),
            Label: root.OptionalString("label"),
            Environment: ReadEnvironment(root.Object("environment")),
            Git: root.OptionalObject("git") is { } g ? ReadGit(g) : null,
            Lineage: root.Array("lineage", ReadLineage),
            Stages: root.Array("stages", ReadStage),
            Artifacts: root.Array("artifacts", ReadArtifact),
            Metrics: root.Array("metrics", ReadMetric),
            EventCount: root.Int("event_count"),
            UpdatedAt: root.Time("updated_at"))
        {
            FoldPlans = root.Array("fold_plans", ReadFoldPlan),
            ConfigFiles = root.Array("config_files", ReadFileHash),
            Secrets = root.Array("secrets", ReadSecret),
            Locked = root.OptionalBool("locked") ?? false,
            LockReason = root.OptionalString("lock_reason"),
            Repairs = root.Array("repairs", ReadRepair),
        };

    // ---- events.jsonl ----------------------------------------------------------------------------------------

    /// <summary>One line of events.jsonl (without the newline):
    /// <c>{"seq":n,"prev":"&lt;hash of line n-1&gt;","type":"...","at":"...",...}</c>; the first line has no prev.</summary>
    /// <param name="batch">On the first line of an append of several events, how many they are: a reader takes them
    /// all or none (a writer killed half way through the append left the rest out).</param>
    public static (string Line, Seq<Sidecar> Sidecars) EncodeEvent(long seq, string? prev, RunEvent e, int? batch = null)
    {
        var sidecars = new List<Sidecar>();
        var line = Json.Write(Json.Compact, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("seq", seq);
            if (prev is not null) w.WriteString("prev", prev);
            if (batch is > 1) w.WriteNumber("batch", batch.Value);
            w.WriteString("type", EventType(e));
            w.Time("at", e.At);
            switch (e)
            {
                case RunCreated c:
                    w.WriteNumber("schema_version", RunManifest.CurrentSchemaVersion);
                    w.WriteString("run_id", c.RunId.ToString());
                    w.WriteString("name", c.Name);
                    w.WriteString("key", c.Key);
                    w.WriteString("package_version", c.PackageVersion);
                    w.Array("inputs", c.Inputs, (w, i) => WriteInput(w, i, sidecars));
                    WriteConfig(w, c.Config, sidecars);
                    WriteNameList(w, "feature_list", c.FeatureList, sidecars);
                    w.StringOrNull("label", c.Label);
                    w.ObjectOrNull("environment", c.Environment, WriteEnvironment);
                    w.ObjectOrNull("git", c.Git, WriteGit);
                    w.Array("lineage", c.Lineage, WriteLineage);
                    w.Array("config_files", c.ConfigFiles, WriteFileHash);
                    w.Array("secrets", c.Secrets, WriteSecret);
                    break;
                case RunRebuilt r:
                    w.WriteNumber("schema_version", RunManifest.CurrentSchemaVersion);
                    w.WriteNumber("lost_events", r.LostEvents);
                    w.StringOrNull("lost_chain_head", r.LostChainHead);
                    w.WriteStartObject("manifest");
                    WriteManifestFields(w, r.Snapshot, sidecars);
                    w.WriteEndObject();
                    break;
                case EventsRepaired r:
                    w.WriteNumber("lines", r.Lines);
                    w.ObjectOrNull("quarantine", r.Quarantine, WriteFileHash);
                    w.ObjectOrNull("previous_log", r.PreviousLog, WriteFileHash);
                    w.WriteString("detail", r.Detail);
                    break;
                case RetentionLockChanged l:
                    w.WriteBoolean("locked", l.Locked);
                    w.StringOrNull("reason", l.Reason);
                    break;
                case RunStatusChanged s:
                    w.WriteString("from", Lifecycle.Text(s.From));
                    w.WriteString("to", Lifecycle.Text(s.To));
                    w.ObjectOrNull("process", s.Process, WriteProcess);
                    w.StringOrNull("message", s.Message);
                    w.ObjectOrNull("error", s.Error, WriteError);
                    break;
                case StageStarted s:
                    w.WriteString("stage", s.Stage);
                    w.WriteNumber("attempt", s.Attempt);
                    w.Strings("depends_on", s.DependsOn);
                    w.Array("inputs", s.Inputs, WriteFileHash);
                    w.ObjectOrNull("process", s.Process, WriteProcess);
                    w.WriteString("command", s.Command);
                    w.WriteString("log", s.Log);
                    if (s.Fingerprint is { } fingerprint) WriteFingerprint(w, fingerprint);
                    if (s.Reason is { } reason) w.WriteString("reason", reason);
                    break;
                case StageEnded s:
                    w.WriteString("stage", s.Stage);
                    w.WriteNumber("attempt", s.Attempt);
                    w.WriteString("status", Lifecycle.Text(s.Status));
                    w.Array("outputs", s.Outputs, WriteFileHash);
                    w.ObjectOrNull("error", s.Error, WriteError);
                    w.ObjectOrNull("log", s.Log, WriteFileHash);
                    if (!s.ConfigKeys.IsEmpty) w.Array("config_keys", s.ConfigKeys, WriteFingerprintPart);
                    if (s.ReusedFrom is { } from) w.WriteString("reused_from", from);
                    break;
                case ArtifactAdded a:
                    WriteArtifact(w, a.Artifact);
                    break;
                case MetricWritten m:
                    w.WriteString("name", m.Name);
                    w.WriteNumber("value", m.Value);
                    w.NumberOrNull("step", m.Step);
                    w.StringOrNull("stage", m.Stage);
                    break;
                case ProgressReported p:
                    w.StringOrNull("stage", p.Stage);
                    w.WriteString("message", p.Message);
                    break;
                case FoldPlanRecorded f:
                    WriteFoldPlan(w, f.Plan);
                    break;
            }
            w.WriteEndObject();
        });
        return (line, toSeq(sidecars).Distinct());
    }

    /// <summary>One line of events.jsonl read back: its sequence number, the hash of the line before it (null on the
    /// first line and on lines written before the hash chain), the event, and for a first event the schema version of
    /// the log.</summary>
    /// <param name="Batch">On the first line of an append of several events, how many they are.</param>
    public sealed record DecodedEvent(long Seq, string? Prev, RunEvent Event, int? SchemaVersion, int? Batch = null);

    /// <summary>Reads one line of events.jsonl.</summary>
    public static Fin<DecodedEvent> DecodeEvent(string line, HashMap<string, string> sidecars, string source) =>
        Decode(line, source, f => DecodeEventFields(f, sidecars, source));

    /// <summary>Reads one line of events.jsonl from its UTF-8 bytes (without the newline).</summary>
    public static Fin<DecodedEvent> DecodeEvent(ReadOnlyMemory<byte> line, HashMap<string, string> sidecars, string source) =>
        Decode(line, source, f => DecodeEventFields(f, sidecars, source));

    static Fin<DecodedEvent> DecodeEventFields(JsonFields f, HashMap<string, string> sidecars, string source)
    {
        var seq = f.Int("seq");
        var prev = f.OptionalString("prev");
        var at = f.Time("at");
        var type = f.String("type");
        int? version = null;
        if (type is "created" or "rebuilt")
        {
            // A run created by a newer RunTools is not damage: say so, as DecodeManifest does.
            var v = f.Int("schema_version");
            if (CheckVersion(v, source) is { IsFail: true } refused) return refused.Map(_ => default(DecodedEvent)!);
            version = (int)v;
        }
        RunEvent e = type switch
        {
            "created" => new RunCreated(at, f.Guid("run_id"), f.String("name"), f.String("key"), f.String("package_version"),
                f.Array("inputs", i => ReadInput(i, sidecars)), ReadConfig(f, sidecars),
                ReadNameList(f.Object("feature_list"), sidecars), f.OptionalString("label"),
                ReadEnvironment(f.Object("environment")), f.OptionalObject("git") is { } g ? ReadGit(g) : null,
                f.Array("lineage", ReadLineage), f.Array("config_files", ReadFileHash), f.Array("secrets", ReadSecret)),
            "rebuilt" => new RunRebuilt(at, ReadManifest(f.Object("manifest"), sidecars), f.Int("lost_events"), f.OptionalString("lost_chain_head")),
            "status_changed" => new RunStatusChanged(at, f.Enum<RunStatus>("from"), f.Enum<RunStatus>("to"),
                ReadProcess(f.Object("process")), f.OptionalString("message"),
                f.OptionalObject("error") is { } err ? ReadError(err) : null),
            "stage_started" => new StageStarted(at, f.String("stage"), (int)f.Int("attempt"), f.Strings("depends_on"),
                f.Array("inputs", ReadFileHash), ReadProcess(f.Object("process")), f.String("command"), f.String("log"),
                ReadFingerprint(f), f.OptionalString("reason")),
            "stage_ended" => new StageEnded(at, f.String("stage"), (int)f.Int("attempt"), f.Enum<StageStatus>("status"),
                f.Array("outputs", ReadFileHash), f.OptionalObject("error") is { } err ? ReadError(err) : null,
                f.OptionalObject("log") is { } log ? ReadFileHash(log) : null,
                f.Array("config_keys", ReadFingerprintPart), f.OptionalString("reused_from")),
            "artifact_added" => new ArtifactAdded(at, ReadArtifact(f)),
            "metric_written" => new MetricWritten(at, f.String("name"), f.Double("value"), f.OptionalInt("step"), f.OptionalString("stage")),
            "progress" => new ProgressReported(at, f.OptionalString("stage"), f.String("message")),
            "fold_plan_recorded" => new FoldPlanRecorded(at, ReadFoldPlan(f)),
            "events_repaired" => new EventsRepaired(at, (int)f.Int("lines"), f.OptionalObject("quarantine") is { } q ? ReadFileHash(q) : null,
                ReadFileHash(f.Object("previous_log")), f.String("detail")),
            "retention_lock" => new RetentionLockChanged(at, f.Bool("locked"), f.OptionalString("reason")),
            _ => throw new JsonShapeException($"unknown event type '{type}'"),
        };
        var batch = f.OptionalInt("batch") is { } b ? (int)Math.Clamp(b, 0, int.MaxValue) : (int?)null;
        return FinSucc(new DecodedEvent(seq, prev, e, version, batch));
    }

    static string EventType(RunEvent e) => e switch
    {
        RunCreated => "created",
        RunStatusChanged => "status_changed",
        StageStarted => "stage_started",
        StageEnded => "stage_ended",
        ArtifactAdded => "artifact_added",
        MetricWritten => "metric_written",
        ProgressReported => "progress",
        FoldPlanRecorded => "fold_plan_recorded",
        RunRebuilt => "rebuilt",
        EventsRepaired => "events_repaired",
        RetentionLockChanged => "retention_lock",
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a RunTools event"),
    };

    static Fin<T> Decode<T>(string json, string source, Func<JsonFields, Fin<T>> read) =>
        Decode(Encoding.UTF8.GetBytes(json), source, read);

    static Fin<T> Decode<T>(ReadOnlyMemory<byte> json, string source, Func<JsonFields, Fin<T>> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            return read(JsonFields.Of(doc.RootElement, "$"));
        }
        catch (JsonException e)
        {
            return FinFail<T>(new RunCorrupted(source, $"not valid JSON (line {e.LineNumber + 1}): {e.Message}"));
        }
        catch (JsonShapeException e)
        {
            return FinFail<T>(new RunCorrupted(source, e.Message));
        }
    }

    // ---- parts -----------------------------------------------------------------------------------------------

    static void WriteNameList(Utf8JsonWriter w, string name, NameList list, List<Sidecar> sidecars)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", list.Count);
        var sha = list.Sha256;
        w.WriteString("sha256", sha);
        if (list.Count > InlineListLimit)
        {
            // The sidecar's bytes are the list as compact JSON, whose hash is the list's hash.
            var sidecar = new Sidecar(sha, JsonSerializer.Serialize(list.Items.ToArray()));
            sidecars.Add(sidecar);
            w.WriteString("sidecar", sidecar.RelativePath);
        }
        else
        {
            w.Strings("items", list.Items);
        }
        w.WriteEndObject();
    }

    static NameList ReadNameList(JsonFields f, HashMap<string, string> sidecars)
    {
        var sha = f.String("sha256");
        var items = f.Has("items") ? f.Strings("items") : NameListSidecar(sha, sidecars);
        if (items.Count != f.Int("count")) throw new JsonShapeException($"a list has {items.Count} items but says {f.Int("count")}");
        return new NameList(items);
    }

    static Seq<string> NameListSidecar(string sha, HashMap<string, string> sidecars)
    {
        var content = SidecarContent(sha, sidecars);
        try
        {
            var items = toSeq(JsonSerializer.Deserialize<string[]>(content) ?? []);
            return NameList.HashOf(items) == sha ? items : throw new JsonShapeException($"the sidecar {RunLayout.Sidecar(sha)} does not hold the list its name says");
        }
        catch (JsonException e)
        {
            throw new JsonShapeException($"the sidecar {RunLayout.Sidecar(sha)} is not a list of names: {e.Message}");
        }
    }

    static string SidecarContent(string sha, HashMap<string, string> sidecars) =>
        sidecars.Find(sha).IfNone(() => throw new JsonShapeException($"the sidecar {RunLayout.Sidecar(sha)} is missing"));

    // A large config is encoded and decoded once per value (by reference): a run's writers re-encode the same config on
    // every update, and a shell that caches sidecar contents by hash hands the same text back on every read.
    static readonly ConditionalWeakTable<ConfigValue, Sidecar?> EncodedConfigs = new();
    static readonly ConditionalWeakTable<string, ConfigValue> DecodedConfigs = new();

    static void WriteConfig(Utf8JsonWriter w, ConfigValue config, List<Sidecar> sidecars)
    {
        var sidecar = EncodedConfigs.GetValue(config, c =>
        {
            var compact = Json.Write(Json.Compact, x => ConfigJson.Write(x, c));
            return Encoding.UTF8.GetByteCount(compact) > InlineConfigLimit ? Sidecar.Of(compact) : null;
        });
        if (sidecar is null)
        {
            w.WritePropertyName("config");
            ConfigJson.Write(w, config);
            return;
        }
        sidecars.Add(sidecar);
        w.WriteString("config_sidecar", sidecar.RelativePath);
    }

    static ConfigValue ReadConfig(JsonFields f, HashMap<string, string> sidecars)
    {
        if (f.OptionalString("config_sidecar") is not { } relative) return WithinCeiling(ConfigJson.Read(f.Raw("config")));
        var prefix = RunLayout.Sidecars + "/";
        if (!relative.StartsWith(prefix, StringComparison.Ordinal) || !relative.EndsWith(".json", StringComparison.Ordinal))
            throw new JsonShapeException($"'config_sidecar' is not a sidecar path: '{relative}'");
        var content = SidecarContent(relative[prefix.Length..^".json".Length], sidecars);
        return DecodedConfigs.GetValue(content, text =>
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            return WithinCeiling(ConfigJson.Read(doc.RootElement));
        });
    }

    /// <summary>Every config RunTools writes is within the depth ceiling; one that is not was not written by it, and
    /// would be walked recursively by every reader after this one.</summary>
    static ConfigValue WithinCeiling(ConfigValue config) =>
        ConfigLimits.Depth(config) <= InputLimits.DepthCeiling
            ? config
            : throw new JsonShapeException($"the config is nested deeper than {InputLimits.DepthCeiling} levels");

    static void WriteSecret(Utf8JsonWriter w, SecretRef s)
    {
        w.WriteString("key", s.Key);
        w.WriteString("reference", s.Reference);
        w.WriteString("salt", s.Salt);
        w.WriteString("sha256", s.Sha256);
    }

    static SecretRef ReadSecret(JsonFields f) => new(f.String("key"), f.String("reference"), f.String("salt"), f.String("sha256"));

    static void WriteRepair(Utf8JsonWriter w, RepairNote r)
    {
        w.Time("at", r.At);
        w.WriteString("kind", r.Kind);
        w.WriteString("detail", r.Detail);
    }

    static RepairNote ReadRepair(JsonFields f) => new(f.Time("at"), f.String("kind"), f.String("detail"));

    static void WriteProcess(Utf8JsonWriter w, ProcessInfo p)
    {
        w.WriteNumber("pid", p.Pid);
        w.WriteString("host", p.Host);
        w.Time("started_at", p.StartedAt);
    }

    static ProcessInfo ReadProcess(JsonFields f) => new((int)f.Int("pid"), f.String("host"), f.Time("started_at"));

    static void WriteError(Utf8JsonWriter w, ErrorInfo e)
    {
        w.WriteString("type", e.Type);
        w.WriteString("message", e.Message);
        w.StringOrNull("stage", e.Stage);
        w.Time("at", e.At);
    }

    static ErrorInfo ReadError(JsonFields f) => new(f.String("type"), f.String("message"), f.OptionalString("stage"), f.Time("at"));

    static void WriteInput(Utf8JsonWriter w, InputFile i, List<Sidecar> sidecars)
    {
        w.WriteString("path", i.Path);
        w.WriteString("full_path", i.FullPath);
        w.WriteString("sha256", i.Sha256);
        w.WriteNumber("bytes", i.Bytes);
        w.WriteString("format", i.Format.ToString().ToLowerInvariant());
        w.NumberOrNull("rows", i.Rows);
        WriteNameList(w, "columns", i.Columns, sidecars);
        if (!i.Decimals.IsEmpty)
            w.Array("decimals", i.Decimals, (w, d) =>
            {
                w.WriteString("column", d.Column);
                w.WriteNumber("precision", d.Precision);
                w.WriteNumber("scale", d.Scale);
            });
    }

    static InputFile ReadInput(JsonFields f, HashMap<string, string> sidecars) =>
        new(f.String("path"), f.String("full_path"), f.String("sha256"), f.Int("bytes"), f.Enum<DataFormat>("format"),
            f.OptionalInt("rows"), ReadNameList(f.Object("columns"), sidecars))
        {
            Decimals = f.Has("decimals")
                ? f.Array("decimals", d => new DecimalInfo(d.String("column"), (int)d.Int("precision"), (int)d.Int("scale")))
                : Seq<DecimalInfo>(),
        };

    static void WriteEnvironment(Utf8JsonWriter w, EnvironmentInfo e)
    {
        w.WriteString("dotnet", e.DotNetVersion);
        w.WriteString("powershell", e.PowerShellVersion);
        w.WriteString("os", e.OperatingSystem);
        w.WriteString("hostname", e.HostName);
        w.WriteNumber("processor_count", e.ProcessorCount);
        w.WriteStartObject("variables");
        foreach (var v in e.Variables) w.StringOrNull(v.Name, v.Value);
        w.WriteEndObject();
    }

    static EnvironmentInfo ReadEnvironment(JsonFields f) =>
        new(f.String("dotnet"), f.String("powershell"), f.String("os"), f.String("hostname"), (int)f.Int("processor_count"),
            f.OptionalObject("variables") is { } vars
                ? toSeq(vars.Element.EnumerateObject().Select(p => new EnvironmentVariable(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null)).ToArray())
                : Seq<EnvironmentVariable>());

    static void WriteGit(Utf8JsonWriter w, GitState g)
    {
        w.WriteString("commit", g.Commit);
        w.StringOrNull("branch", g.Branch);
        w.WriteBoolean("dirty", g.Dirty);
    }

    static GitState ReadGit(JsonFields f) => new(f.String("commit"), f.OptionalString("branch"), f.Bool("dirty"));

    static void WriteLineage(Utf8JsonWriter w, LineageRef l)
    {
        w.WriteString("run_id", l.RunId.ToString());
        w.WriteString("run_name", l.RunName);
        w.WriteString("relation", l.Relation);
        w.StringOrNull("stage", l.Stage);
        w.StringOrNull("path", l.Path);
        w.StringOrNull("sha256", l.Sha256);
        w.StringOrNull("chain_head", l.ChainHead);
        w.NumberOrNull("event_count", l.EventCount);
        if (l.Directory is { } directory) w.WriteString("directory", directory);
    }

    static LineageRef ReadLineage(JsonFields f) =>
        new(f.Guid("run_id"), f.String("run_name"), f.String("relation"), f.OptionalString("stage"), f.OptionalString("path"), f.OptionalString("sha256"),
            f.OptionalString("chain_head"), f.OptionalInt("event_count")) { Directory = f.OptionalString("directory") };

    static void WriteFileHash(Utf8JsonWriter w, FileHash h)
    {
        w.WriteString("path", h.Path);
        w.WriteString("sha256", h.Sha256);
        w.WriteNumber("bytes", h.Bytes);
    }

    static FileHash ReadFileHash(JsonFields f) => new(f.String("path"), f.String("sha256"), f.Int("bytes"));

    static void WriteArtifact(Utf8JsonWriter w, Artifact a)
    {
        w.WriteString("path", a.Path);
        w.WriteString("sha256", a.Sha256);
        w.WriteNumber("bytes", a.Bytes);
        w.WriteString("kind", ArtifactKinds.Text(a.Kind));
        w.StringOrNull("stage", a.Stage);
        w.Time("added_at", a.AddedAt);
    }

    static Artifact ReadArtifact(JsonFields f) =>
        new(f.String("path"), f.String("sha256"), f.Int("bytes"),
            ArtifactKinds.Parse(f.String("kind")).IfNone(() => throw new JsonShapeException($"unknown artifact kind '{f.String("kind")}'")),
            f.OptionalString("stage"), f.Time("added_at"));

    static void WriteMetric(Utf8JsonWriter w, MetricSummary m)
    {
        w.WriteString("name", m.Name);
        w.WriteNumber("last", m.Last);
        w.NumberOrNull("step", m.Step);
        w.WriteNumber("min", m.Min);
        w.WriteNumber("max", m.Max);
        w.WriteNumber("count", m.Count);
        w.StringOrNull("stage", m.Stage);
        w.Time("updated_at", m.UpdatedAt);
    }

    static MetricSummary ReadMetric(JsonFields f) =>
        new(f.String("name"), f.Double("last"), f.OptionalInt("step"), f.Double("min"), f.Double("max"), f.Int("count"),
            f.OptionalString("stage"), f.Time("updated_at"));

    static void WriteFoldPlan(Utf8JsonWriter w, FoldPlanRecord p)
    {
        w.WriteString("name", p.Name);
        w.WriteString("kind", p.Kind);
        w.WriteNumber("folds", p.Folds);
        w.WriteNumber("repeats", p.Repeats);
        w.WriteBoolean("nested", p.Nested);
        w.WriteBoolean("production", p.Production);
        w.WriteNumber("rows", p.Rows);
        w.WriteString("content_sha256", p.ContentHash);
        w.WriteString("path", p.Path);
        w.WriteString("summary", p.Summary);
        w.StringOrNull("stage", p.Stage);
    }

    static FoldPlanRecord ReadFoldPlan(JsonFields f) =>
        new(f.String("name"), f.String("kind"), (int)f.Int("folds"), (int)f.Int("repeats"), f.Bool("nested"), f.Bool("production"),
            (int)f.Int("rows"), f.String("content_sha256"), f.String("path"), f.String("summary"), f.OptionalString("stage"));

    static void WriteStage(Utf8JsonWriter w, StageRecord s)
    {
        w.WriteString("name", s.Name);
        w.WriteNumber("attempt", s.Attempt);
        w.WriteString("status", Lifecycle.Text(s.Status));
        w.Time("started_at", s.StartedAt);
        w.Time("ended_at", s.EndedAt);
        w.NumberOrNull("duration_seconds", s.Duration?.TotalSeconds);
        w.Strings("depends_on", s.DependsOn);
        w.Array("inputs", s.Inputs, WriteFileHash);
        w.Array("outputs", s.Outputs, WriteFileHash);
        w.ObjectOrNull("error", s.Error, WriteError);
        w.ObjectOrNull("process", s.Process, WriteProcess);
        w.WriteString("command", s.Command);
        w.WriteString("log", s.Log);
        w.ObjectOrNull("log_hash", s.LogHash, WriteFileHash);
        // Written only when present, so a run from before fingerprints re-encodes to the bytes it has.
        if (s.Fingerprint is { } fingerprint) WriteFingerprint(w, fingerprint);
        if (s.Reason is { } reason) w.WriteString("reason", reason);
        if (s.ReusedFrom is { } from) w.WriteString("reused_from", from);
    }

    /// <summary>A stage's fingerprint: its cache key and its parts (kind, name, hash; why a value has no hash).</summary>
    static void WriteFingerprint(Utf8JsonWriter w, StageFingerprint fingerprint)
    {
        w.WritePropertyName("fingerprint");
        w.WriteStartObject();
        w.WriteString("key", fingerprint.Key);
        w.Array("parts", fingerprint.Parts, WriteFingerprintPart);
        w.WriteEndObject();
    }

    static void WriteFingerprintPart(Utf8JsonWriter w, FingerprintPart p)
    {
        w.WriteString("kind", p.Kind);
        w.WriteString("name", p.Name);
        w.StringOrNull("sha256", p.Sha256);
        if (p.Unhashable is { } why) w.WriteString("unhashable", why);
    }

    static StageFingerprint? ReadFingerprint(JsonFields f) =>
        f.OptionalObject("fingerprint") is { } o ? new StageFingerprint(o.Array("parts", ReadFingerprintPart)) : null;

    static FingerprintPart ReadFingerprintPart(JsonFields f) =>
        new(f.String("kind"), f.String("name"), f.OptionalString("sha256"), f.OptionalString("unhashable"));

    static StageRecord ReadStage(JsonFields f) =>
        new(f.String("name"), (int)f.Int("attempt"), f.Enum<StageStatus>("status"), f.Time("started_at"), f.OptionalTime("ended_at"),
            f.Strings("depends_on"), f.Array("inputs", ReadFileHash), f.Array("outputs", ReadFileHash),
            f.OptionalObject("error") is { } e ? ReadError(e) : null, ReadProcess(f.Object("process")), f.String("command"), f.String("log"),
            f.OptionalObject("log_hash") is { } h ? ReadFileHash(h) : null)
        {
            Fingerprint = ReadFingerprint(f),
            Reason = f.OptionalString("reason"),
            ReusedFrom = f.OptionalString("reused_from"),
        };
}

/// <summary>Artifact kinds as the snake_case words used on disk.</summary>
public static class ArtifactKinds
{
    public static string Text(ArtifactKind kind) => kind switch
    {
        ArtifactKind.FoldPlan => "fold_plan",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static Option<ArtifactKind> Parse(string text) =>
        toSeq(Enum.GetValues<ArtifactKind>()).Find(k => string.Equals(Text(k), text, StringComparison.OrdinalIgnoreCase)
                                                        || string.Equals(k.ToString(), text, StringComparison.OrdinalIgnoreCase));
}
