using System.Text.Json;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Serialization;

/// <summary>A long list stored beside run.json, named by its content hash: <c>sidecars/&lt;sha256&gt;.json</c>.</summary>
public sealed record Sidecar(string Sha256, Seq<string> Items)
{
    public const string Directory = "sidecars";

    public string RelativePath => $"{Directory}/{Sha256}.json";

    public string Content => JsonSerializer.Serialize(Items.ToArray());

    public static Fin<Sidecar> Parse(string sha256, string content, string source)
    {
        try
        {
            var items = toSeq(JsonSerializer.Deserialize<string[]>(content) ?? []);
            return NameList.HashOf(items) == sha256
                ? FinSucc(new Sidecar(sha256, items))
                : FinFail<Sidecar>(new RunCorrupted(source, "the sidecar's content does not match its hash"));
        }
        catch (JsonException e)
        {
            return FinFail<Sidecar>(new RunCorrupted(source, e.Message));
        }
    }
}

/// <summary>
/// run.json and events.jsonl. Field names are snake_case; times are UTC ISO-8601; unknown fields are ignored on read
/// (newer minor versions may add some); a schema_version above <see cref="RunManifest.CurrentSchemaVersion"/> is refused.
/// Lists longer than <see cref="InlineListLimit"/> are written as sidecars.
/// </summary>
public static class RunJson
{
    public const int InlineListLimit = 64;

    // ---- run.json --------------------------------------------------------------------------------------------

    /// <summary>Encodes a manifest. <paramref name="eventsBytes"/> is the length of events.jsonl this manifest is
    /// the replay of, so a reader can tell whether run.json is current with one stat call.</summary>
    public static (string Json, Seq<Sidecar> Sidecars) EncodeManifest(RunManifest m, long eventsBytes)
    {
        var sidecars = new List<Sidecar>();
        var json = Json.Write(Json.Indented, w =>
        {
            w.WriteStartObject();
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
            w.WritePropertyName("config");
            ConfigJson.Write(w, m.Config);
            w.WriteString("config_sha256", m.ConfigSha256);
            WriteNameList(w, "feature_list", m.FeatureList, sidecars);
            w.StringOrNull("label", m.Label);
            w.ObjectOrNull("environment", m.Environment, WriteEnvironment);
            w.ObjectOrNull("git", m.Git, WriteGit);
            w.Array("lineage", m.Lineage, WriteLineage);
            w.Array("stages", m.Stages, WriteStage);
            w.Array("artifacts", m.Artifacts, WriteArtifact);
            w.Array("metrics", m.Metrics, WriteMetric);
            w.Array("fold_plans", m.FoldPlans, WriteFoldPlan);
            w.WriteNumber("event_count", m.EventCount);
            w.WriteNumber("events_bytes", eventsBytes);
            w.Time("updated_at", m.UpdatedAt);
            w.WriteEndObject();
        });
        return (json, toSeq(sidecars).Distinct());
    }

    /// <summary>The result of reading run.json: the manifest and the events.jsonl length it was written for.</summary>
    public sealed record DecodedManifest(RunManifest Manifest, long EventsBytes);

    /// <param name="sidecars">The run's sidecar files by hash (the shell reads the sidecars directory).</param>
    /// <param name="source">The file, for errors.</param>
    public static Fin<DecodedManifest> DecodeManifest(string json, HashMap<string, Seq<string>> sidecars, string source) =>
        Decode(json, source, root =>
        {
            var version = root.Int("schema_version");
            if (version > RunManifest.CurrentSchemaVersion)
                return FinFail<DecodedManifest>(new SchemaVersionUnsupported(source, (int)Math.Min(version, int.MaxValue), RunManifest.CurrentSchemaVersion));
            var manifest = new RunManifest(
                SchemaVersion: (int)version,
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
                Config: ConfigJson.Read(root.Raw("config")),
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
                UpdatedAt: root.Time("updated_at")) { FoldPlans = root.Array("fold_plans", ReadFoldPlan) };
            return FinSucc(new DecodedManifest(manifest, root.Int("events_bytes")));
        });

    // ---- events.jsonl ----------------------------------------------------------------------------------------

    /// <summary>One line of events.jsonl (without the newline): <c>{"seq":n,"type":"...","at":"...",...}</c>.</summary>
    public static (string Line, Seq<Sidecar> Sidecars) EncodeEvent(long seq, RunEvent e)
    {
        var sidecars = new List<Sidecar>();
        var line = Json.Write(Json.Compact, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("seq", seq);
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
                    w.WritePropertyName("config");
                    ConfigJson.Write(w, c.Config);
                    WriteNameList(w, "feature_list", c.FeatureList, sidecars);
                    w.StringOrNull("label", c.Label);
                    w.ObjectOrNull("environment", c.Environment, WriteEnvironment);
                    w.ObjectOrNull("git", c.Git, WriteGit);
                    w.Array("lineage", c.Lineage, WriteLineage);
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
                    break;
                case StageEnded s:
                    w.WriteString("stage", s.Stage);
                    w.WriteNumber("attempt", s.Attempt);
                    w.WriteString("status", Lifecycle.Text(s.Status));
                    w.Array("outputs", s.Outputs, WriteFileHash);
                    w.ObjectOrNull("error", s.Error, WriteError);
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

    /// <summary>Reads one line of events.jsonl; returns its sequence number and event.</summary>
    public static Fin<(long Seq, RunEvent Event)> DecodeEvent(string line, HashMap<string, Seq<string>> sidecars, string source) =>
        Decode(line, source, f =>
        {
            var seq = f.Int("seq");
            var at = f.Time("at");
            var type = f.String("type");
            // A run created by a newer RunTools is not damage: say so, as DecodeManifest does.
            if (type == "created" && f.Int("schema_version") is var version && version > RunManifest.CurrentSchemaVersion)
                return FinFail<(long, RunEvent)>(new SchemaVersionUnsupported(source, (int)Math.Min(version, int.MaxValue), RunManifest.CurrentSchemaVersion));
            RunEvent e = type switch
            {
                "created" => new RunCreated(at, f.Guid("run_id"), f.String("name"), f.String("key"), f.String("package_version"),
                    f.Array("inputs", i => ReadInput(i, sidecars)), ConfigJson.Read(f.Raw("config")),
                    ReadNameList(f.Object("feature_list"), sidecars), f.OptionalString("label"),
                    ReadEnvironment(f.Object("environment")), f.OptionalObject("git") is { } g ? ReadGit(g) : null,
                    f.Array("lineage", ReadLineage)),
                "status_changed" => new RunStatusChanged(at, f.Enum<RunStatus>("from"), f.Enum<RunStatus>("to"),
                    ReadProcess(f.Object("process")), f.OptionalString("message"),
                    f.OptionalObject("error") is { } err ? ReadError(err) : null),
                "stage_started" => new StageStarted(at, f.String("stage"), (int)f.Int("attempt"), f.Strings("depends_on"),
                    f.Array("inputs", ReadFileHash), ReadProcess(f.Object("process")), f.String("command"), f.String("log")),
                "stage_ended" => new StageEnded(at, f.String("stage"), (int)f.Int("attempt"), f.Enum<StageStatus>("status"),
                    f.Array("outputs", ReadFileHash), f.OptionalObject("error") is { } err ? ReadError(err) : null),
                "artifact_added" => new ArtifactAdded(at, ReadArtifact(f)),
                "metric_written" => new MetricWritten(at, f.String("name"), f.Double("value"), f.OptionalInt("step"), f.OptionalString("stage")),
                "progress" => new ProgressReported(at, f.OptionalString("stage"), f.String("message")),
                "fold_plan_recorded" => new FoldPlanRecorded(at, ReadFoldPlan(f)),
                _ => throw new JsonShapeException($"unknown event type '{type}'"),
            };
            return FinSucc((seq, e));
        });

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
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a RunTools event"),
    };

    static Fin<T> Decode<T>(string json, string source, Func<JsonFields, Fin<T>> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
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
            var sidecar = new Sidecar(sha, list.Items);
            sidecars.Add(sidecar);
            w.WriteString("sidecar", sidecar.RelativePath);
        }
        else
        {
            w.Strings("items", list.Items);
        }
        w.WriteEndObject();
    }

    static NameList ReadNameList(JsonFields f, HashMap<string, Seq<string>> sidecars)
    {
        var sha = f.String("sha256");
        var items = f.Has("items")
            ? f.Strings("items")
            : sidecars.Find(sha).IfNone(() => throw new JsonShapeException($"the sidecar {Sidecar.Directory}/{sha}.json is missing"));
        if (items.Count != f.Int("count")) throw new JsonShapeException($"a list has {items.Count} items but says {f.Int("count")}");
        return new NameList(items);
    }

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
    }

    static InputFile ReadInput(JsonFields f, HashMap<string, Seq<string>> sidecars) =>
        new(f.String("path"), f.String("full_path"), f.String("sha256"), f.Int("bytes"), f.Enum<DataFormat>("format"),
            f.OptionalInt("rows"), ReadNameList(f.Object("columns"), sidecars));

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
    }

    static LineageRef ReadLineage(JsonFields f) =>
        new(f.Guid("run_id"), f.String("run_name"), f.String("relation"), f.OptionalString("stage"), f.OptionalString("path"), f.OptionalString("sha256"));

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
    }

    static StageRecord ReadStage(JsonFields f) =>
        new(f.String("name"), (int)f.Int("attempt"), f.Enum<StageStatus>("status"), f.Time("started_at"), f.OptionalTime("ended_at"),
            f.Strings("depends_on"), f.Array("inputs", ReadFileHash), f.Array("outputs", ReadFileHash),
            f.OptionalObject("error") is { } e ? ReadError(e) : null, ReadProcess(f.Object("process")), f.String("command"), f.String("log"));
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
