using System.Management.Automation;
using RunTools.Tests.Hostile;

namespace RunTools.Module.Tests;

/// <summary>Where a bad input is played: a fresh directory with a run (<c>$run</c>, at <see cref="Run"/>) that has a
/// finished stage, an artifact, metrics and long column lists in sidecars, and a file <c>model.zip</c> beside it.</summary>
public sealed record BadInputContext(PowerShellHost Ps, string Run)
{
    public string File(string relative) => Path.Combine(Run, relative);
}

/// <summary>One bad input: what is broken first (<see cref="Break"/>), the command that meets it, and the error it must
/// get (ErrorId, category, target). Nothing outside the run may change, and nothing inside it either beyond the
/// writer's lock file.</summary>
public sealed record BadInput(
    string Category,
    string Name,
    string Command,
    string ErrorId,
    string Cmdlet,
    ErrorCategory ErrorCategory,
    Func<BadInputContext, object?> Target,
    Action<BadInputContext>? Break = null)
{
    public override string ToString() => $"{Category}: {Name}";
}

/// <summary>
/// The catalogue of bad inputs: every way a user, a script, a disk or an attacker can hand RunTools something wrong,
/// each with the stable ErrorId it must get and nothing lost. This class plays the rows for names, paths, symbolic
/// links, manifests and event logs; the rows for configs, <c>-Set</c>, CSV and Parquet (<see cref="HostileInputs"/>,
/// <see cref="ConfigKeyTests.MisspeltConfigs"/>, <see cref="SecretTests.Refused"/>) and bundles
/// (<see cref="HostileBundles"/>) are played by their own suites with the same assertions, and counted here.
/// </summary>
public sealed class BadInputCatalogTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly BadInputContext context;

    public BadInputCatalogTests()
    {
        var columns = Enumerable.Range(0, 69).Select(i => $"x{i}").Append("label").ToArray();
        ps.Write("data.csv", string.Join(',', columns) + "\n" + string.Join(',', columns.Select((_, i) => i % 2)) + "\n");
        ps.Write("model.zip", "weights");
        ps.Write("bad.yaml", "model: [unclosed\n");
        ps.Write("bad.json", "{ \"model\": ");
        ps.Write("list.yaml", "- a\n- b\n");
        ps.Write("empty.csv", "");
        ps.Write("garbage.parquet", "PAR1 this is not parquet");
        ps.Write("nolabel.csv", "a,b\n1,2\n");
        ps.Write("afile", "not a folder");
        Directory.CreateDirectory(ps.PathOf("outside"));
        var run = Expect.Single(ps.Run("""
            $run = New-Run -Name catalog -DataPath data.csv -Set 'data.label=label', 'model.trees=10'
            $run | Invoke-RunStage prep { param($Run) [IO.File]::WriteAllText($Run.Resolve('out.txt'), 'prepared') } -Output out.txt | Out-Null
            Add-RunArtifact -Run $run model.zip | Out-Null
            Write-RunMetric -Run $run loss 0.5
            $run
            """), Expect.RunInfo).Text("Path");
        context = new BadInputContext(ps, run);
    }

    public void Dispose() => ps.Dispose();

    static string[] Lines(BadInputContext c) => File.ReadAllLines(c.File("events.jsonl"));

    static void WriteLines(BadInputContext c, IEnumerable<string> lines) => File.WriteAllText(c.File("events.jsonl"), string.Join('\n', lines) + "\n");

    /// <summary>run.json gone, so the next reader or writer replays the log line by line.</summary>
    static void WithoutRunJson(BadInputContext c, Func<string[], IEnumerable<string>> change)
    {
        WriteLines(c, change(Lines(c)));
        File.Delete(c.File("run.json"));
    }

    static string Outside(BadInputContext c, string name) => c.Ps.PathOf("outside", name);

    const ErrorCategory Security = ErrorCategory.SecurityError, Invalid = ErrorCategory.InvalidData, Argument = ErrorCategory.InvalidArgument;

    public static readonly IReadOnlyList<BadInput> Rows =
    [
        // ---- names ----
        new("names", "a run name with a space", "New-Run -Name 'has space'", "InvalidName", "NewRun", Argument, _ => "has space"),
        new("names", "a run name that climbs", "New-Run -Name '../up'", "InvalidName", "NewRun", Argument, _ => "../up"),
        new("names", "a run name of 65 characters", "New-Run -Name ('k' * 65)", "InvalidName", "NewRun", Argument, _ => new string('k', 65)),
        new("names", "a stage name with a slash", "$run | Invoke-RunStage 'a/b' { 'x' }", "InvalidName", "InvokeRunStage", Argument, _ => "a/b"),
        new("names", "a metric name with a space", "Write-RunMetric -Run $run 'bad name' 1", "InvalidName", "WriteRunMetric", Argument, _ => "bad name"),
        new("names", "a metric name with '..'", "Write-RunMetric -Run $run 'a..b' 1", "InvalidName", "WriteRunMetric", Argument, _ => "a..b"),
        new("names", "a metric value that is not finite", "Write-RunMetric -Run $run loss ([double]::NaN)", "MetricInvalid", "WriteRunMetric", Argument, _ => "loss"),
        new("names", "a metric value that is not a number", "Write-RunMetric -Run $run -Metric @{ loss = 'high' }", "MetricInvalid", "WriteRunMetric", Argument, _ => "loss"),

        // ---- paths ----
        new("paths", "a data file that does not exist", "New-Run -Name x -DataPath missing.csv", "DataFileNotFound", "NewRun", ErrorCategory.ObjectNotFound, _ => "missing.csv"),
        new("paths", "a config file that does not exist", "New-Run -Name x -ConfigPath missing.yaml", "ConfigFileNotFound", "NewRun", ErrorCategory.ObjectNotFound, _ => "missing.yaml"),
        new("paths", "a root that is a file", "New-Run -Name x -Root afile", "RunRootInvalid", "NewRun", Argument, c => c.Ps.PathOf("afile")),
        new("paths", "a run that does not exist", "Get-Run -Path runs/nope", "RunNotFound", "GetRun", ErrorCategory.ObjectNotFound, c => c.Ps.PathOf("runs", "nope")),
        new("paths", "an artifact destination that climbs out", "Add-RunArtifact -Run $run model.zip -Destination ../escape.txt", "PathOutsideRun", "AddRunArtifact", Security, _ => "../escape.txt"),
        new("paths", "an absolute artifact destination", "Add-RunArtifact -Run $run model.zip -Destination /tmp/escape.txt", "PathOutsideRun", "AddRunArtifact", Security, _ => "/tmp/escape.txt"),
        new("paths", "an artifact over run.json", "Add-RunArtifact -Run $run model.zip -Destination run.json", "PathReserved", "AddRunArtifact", Security, _ => "run.json"),
        new("paths", "an artifact over EVENTS.JSONL", "Add-RunArtifact -Run $run model.zip -Destination EVENTS.JSONL", "PathReserved", "AddRunArtifact", Security, _ => "EVENTS.JSONL"),
        new("paths", "an artifact in sidecars/", "Add-RunArtifact -Run $run model.zip -Destination sidecars/x.json", "PathReserved", "AddRunArtifact", Security, _ => "sidecars/x.json"),
        new("paths", "a stage output that climbs out", "$run | Invoke-RunStage s { 'x' } -Output ../x.txt", "PathOutsideRun", "InvokeRunStage", Security, _ => "../x.txt"),
        new("paths", "a stage output in logs/", "$run | Invoke-RunStage s { 'x' } -Output logs/x.txt", "PathReserved", "InvokeRunStage", Security, _ => "logs/x.txt"),
        new("paths", "a stage input that does not exist", "$run | Invoke-RunStage s { 'x' } -Input nothing.txt", "StageInputNotFound", "InvokeRunStage", ErrorCategory.ObjectNotFound, _ => "nothing.txt"),
        new("paths", "an artifact source that does not exist", "Add-RunArtifact -Run $run nothing.zip", "ArtifactSourceNotFound", "AddRunArtifact", ErrorCategory.ObjectNotFound, c => c.Ps.PathOf("nothing.zip")),

        // ---- symbolic links ----
        new("symlinks", "an artifact destination through a linked folder", "Add-RunArtifact -Run $run model.zip -Destination artifacts/link/x.txt",
            "PathOutsideRun", "AddRunArtifact", Security, _ => "artifacts/link/x.txt", c => Directory.CreateSymbolicLink(c.File("artifacts/link"), c.Ps.PathOf("outside"))),
        new("symlinks", "a stage output through a linked folder", "$run | Invoke-RunStage s { 'x' } -Output out/x.txt",
            "PathOutsideRun", "InvokeRunStage", Security, _ => "out/x.txt", c => Directory.CreateSymbolicLink(c.File("out"), c.Ps.PathOf("outside"))),
        new("symlinks", "an artifact destination that is a dangling link outside", "Add-RunArtifact -Run $run model.zip -Destination artifacts/dangling.txt",
            "PathOutsideRun", "AddRunArtifact", Security, _ => "artifacts/dangling.txt", c => File.CreateSymbolicLink(c.File("artifacts/dangling.txt"), Outside(c, "new.txt"))),
        new("symlinks", "an event log that is a link", "Write-RunMetric -Run $run loss 0.1",
            "PathOutsideRun", "WriteRunMetric", Security, c => c.File("events.jsonl"), c =>
            {
                File.Move(c.File("events.jsonl"), Outside(c, "events.jsonl"));
                File.CreateSymbolicLink(c.File("events.jsonl"), Outside(c, "events.jsonl"));
            }),
        new("symlinks", "a run.json that is a link", "Get-Run -Path $run.Path",
            "PathOutsideRun", "GetRun", Security, c => c.File("run.json"), c =>
            {
                File.Move(c.File("run.json"), Outside(c, "run.json"));
                File.CreateSymbolicLink(c.File("run.json"), Outside(c, "run.json"));
            }),
        new("symlinks", "a lock file that is a link", "Write-RunMetric -Run $run loss 0.1",
            "PathOutsideRun", "WriteRunMetric", Security, c => c.File(".lock"), c =>
            {
                File.Delete(c.File(".lock"));
                File.CreateSymbolicLink(c.File(".lock"), Outside(c, "lock"));
            }),
        new("symlinks", "a sidecars folder that is a link", "Write-RunMetric -Run $run loss 0.1",
            "PathOutsideRun", "WriteRunMetric", Security, c => c.File("sidecars"), c =>
            {
                Directory.Move(c.File("sidecars"), Outside(c, "sidecars"));
                Directory.CreateSymbolicLink(c.File("sidecars"), Outside(c, "sidecars"));
            }),
        new("symlinks", "a logs folder that is a link", "$run | Invoke-RunStage s2 { 'x' }",
            "PathOutsideRun", "InvokeRunStage", Security, c => c.File("logs"), c =>
            {
                Directory.Move(c.File("logs"), Outside(c, "logs"));
                Directory.CreateSymbolicLink(c.File("logs"), Outside(c, "logs"));
            }),
        new("symlinks", "an own file linked inside the run", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => c.Run, c =>
            {
                File.Move(c.File("events.jsonl"), c.File("artifacts/e.jsonl"));
                File.CreateSymbolicLink(c.File("events.jsonl"), c.File("artifacts/e.jsonl"));
            }),

        // ---- manifests ----
        new("manifests", "a run.json of a newer schema, for a writer", "Write-RunMetric -Run $run loss 0.1",
            "SchemaVersionUnsupported", "WriteRunMetric", Invalid, c => c.File("run.json"), NewerRunJson),
        new("manifests", "a run.json of a newer schema, for a reader", "Get-Run -Path $run.Path",
            "SchemaVersionUnsupported", "GetRun", Invalid, c => c.File("run.json"), NewerRunJson),
        new("manifests", "a created event of a newer schema, with run.json gone", "Get-Run -Path $run.Path",
            "SchemaVersionUnsupported", "GetRun", Invalid, c => $"{c.File("events.jsonl")}:1",
            c => WithoutRunJson(c, lines => lines.Select((l, i) => i == 0 ? l.Replace("\"schema_version\":2", "\"schema_version\":7") : l))),
        new("manifests", "a run.json and a first event that do not read", "Get-Run -Path $run.Path",
            "RunCorrupted", "GetRun", Invalid, c => $"{c.File("events.jsonl")}:1", c =>
            {
                File.WriteAllText(c.File("run.json"), "{ not json");
                WriteLines(c, Lines(c).Select((l, i) => i == 0 ? "garbage" : l));
            }),
        new("manifests", "a sidecar the manifest needs, deleted", "Get-Run -Path $run.Path",
            "RunCorrupted", "GetRun", Invalid, c => c.File("events.jsonl") + ":1", c =>
            {
                foreach (var s in Directory.EnumerateFiles(c.File("sidecars"))) File.Delete(s);
            }),
        new("manifests", "a sidecar edited", "Get-Run -Path $run.Path",
            "RunCorrupted", "GetRun", Invalid, c => Directory.EnumerateFiles(c.File("sidecars")).Order().First(), c =>
            {
                var sidecar = Directory.EnumerateFiles(c.File("sidecars")).Order().First();
                File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("x1", "x9"));
            }),
        new("manifests", "a folder that holds neither run.json nor events.jsonl", "Get-Run -Path $run.Path",
            "RunNotFound", "GetRun", ErrorCategory.ObjectNotFound, c => c.Run, c =>
            {
                File.Delete(c.File("run.json"));
                File.Delete(c.File("events.jsonl"));
            }),

        // ---- event logs (run.json behind or gone: the log is replayed, strictly) ----
        new("event logs", "an event log that is gone, for a writer", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => c.Run, c => File.Delete(c.File("events.jsonl"))),
        new("event logs", "a garbage line", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:3", c => WithoutRunJson(c, lines => lines.Take(2).Append("garbage").Concat(lines.Skip(2)))),
        new("event logs", "a repeated line", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:4", c => WithoutRunJson(c, lines => lines.Take(3).Append(lines[2]).Concat(lines.Skip(3)))),
        new("event logs", "a removed line", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:3", c => WithoutRunJson(c, lines => lines.Take(2).Concat(lines.Skip(3)))),
        new("event logs", "an edited line (the chain breaks after it)", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:4",
            c => WithoutRunJson(c, lines => lines.Select((l, i) => i == 2 ? l.Replace("\"attempt\":1", "\"attempt\":1 ") : l))),
        new("event logs", "a first line that is not the run's creation", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:1", c => WithoutRunJson(c, lines => lines.Skip(1))),
        new("event logs", "an event the lifecycle refuses", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:3",
            c => WithoutRunJson(c, lines => lines.Select((l, i) => i == 2 ? l.Replace("\"type\":\"stage_started\"", "\"type\":\"stage_ended\",\"status\":\"completed\",\"outputs\":[]") : l))),
        new("event logs", "an unknown event type", "Write-RunMetric -Run $run loss 0.1",
            "RunCorrupted", "WriteRunMetric", Invalid, c => $"{c.File("events.jsonl")}:2",
            c => WithoutRunJson(c, lines => lines.Select((l, i) => i == 1 ? l.Replace("\"type\":\"status_changed\"", "\"type\":\"renamed\"") : l))),
        new("event logs", "a log nobody can repair", "Repair-Run $run",
            "RunCorrupted", "RepairRun", Invalid, c => c.Run, c =>
            {
                File.WriteAllText(c.File("run.json"), "{");
                WriteLines(c, Lines(c).Select((l, i) => i == 0 ? "garbage" : l));
            }),

        // ---- configs and -Set beyond the limit, key and secret tables ----
        new("configs", "malformed YAML", "New-Run -Name x -ConfigPath bad.yaml", "ConfigParseError", "NewRun", ErrorCategory.ParserError, _ => "bad.yaml"),
        new("configs", "malformed JSON", "New-Run -Name x -ConfigPath bad.json", "ConfigParseError", "NewRun", ErrorCategory.ParserError, _ => "bad.json"),
        new("configs", "a root that is a list", "New-Run -Name x -ConfigPath list.yaml", "ConfigParseError", "NewRun", ErrorCategory.ParserError, _ => "list.yaml"),
        new("configs", "a label that is no column", "New-Run -Name x -DataPath nolabel.csv -Set 'data.label=y'", "ColumnsMissing", "NewRun", Invalid, _ => "nolabel.csv"),
        new("configs", "the label among the features", "New-Run -Name x -DataPath nolabel.csv -Set 'data.label=a', 'data.features=[a, b]'",
            "ConfigValueInvalid", "NewRun", Invalid, _ => "data.features"),
        new("-Set", "an override without '='", "New-Run -Name x -Set 'novalue'", "ConfigOverrideInvalid", "NewRun", Argument, _ => "novalue"),
        new("-Set", "an override with an empty key segment", "New-Run -Name x -Set 'a..b=1'", "ConfigOverrideInvalid", "NewRun", Argument, _ => "a..b=1"),
        new("-Set", "an override with an unclosed list", "New-Run -Name x -Set 'a=[1, 2'", "ConfigOverrideInvalid", "NewRun", Argument, _ => "a=[1, 2"),
        new("-Set", "an override that sets a key under a scalar", "New-Run -Name x -Set 'model.trees=1', 'model.trees.depth=2'", "ConfigPathConflict", "NewRun", Invalid, _ => "model.trees.depth"),
        new("CSV", "an empty CSV file", "New-Run -Name x -DataPath empty.csv", "DataFileInvalid", "NewRun", Invalid, _ => "empty.csv"),
        new("Parquet", "a file that is not Parquet", "New-Run -Name x -DataPath garbage.parquet", "DataFileInvalid", "NewRun", Invalid, _ => "garbage.parquet"),
    ];

    static void NewerRunJson(BadInputContext c) =>
        File.WriteAllText(c.File("run.json"), File.ReadAllText(c.File("run.json")).Replace("\"schema_version\": 2", "\"schema_version\": 99"));

    public static TheoryData<string> Names => new(Rows.Select(r => r.ToString()));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_bad_input_gets_its_ErrorId_and_nothing_outside_the_run_changes(string name)
    {
        var row = Rows.Single(r => r.ToString() == name);
        row.Break?.Invoke(context);
        var before = Snapshot();

        var result = ps.Run(row.Command);

        Expect.Error(result, row.ErrorId, row.Cmdlet, row.ErrorCategory, row.Target(context));
        Assert.InRange(result.SingleError().Exception.Message.Length, 1, 1000);
        Expect.Unchanged(before, Snapshot());
    }

    /// <summary>Every file under the test's directory (the run's lock file aside: a refused writer may have opened it).</summary>
    IReadOnlyDictionary<string, string> Snapshot() =>
        ps.Snapshot().Where(kv => !kv.Key.EndsWith($"{Path.DirectorySeparatorChar}.lock", StringComparison.Ordinal) || kv.Value.StartsWith("link:", StringComparison.Ordinal))
            .ToDictionary();

    /// <summary>The whole catalogue: these rows and the ones other suites play with the same assertions.</summary>
    [Fact]
    public void The_catalogue_has_over_80_cases_in_every_category_the_issue_names()
    {
        var categories = Rows.GroupBy(r => r.Category).ToDictionary(g => g.Key, g => g.Count());
        categories["configs"] += ConfigKeyTests.MisspeltConfigs.Count() + HostileInputs.All.Count(r => r.Kind == HostileKind.ConfigFile);
        categories["-Set"] += SecretTests.Refused.Count() + HostileInputs.All.Count(r => r.Kind == HostileKind.SetText);
        var data = HostileInputs.All.Where(r => r.Kind == HostileKind.DataFile).ToList();
        categories["CSV"] += data.Count(r => !r.FileName.EndsWith(".parquet", StringComparison.Ordinal));
        categories["Parquet"] += data.Count(r => r.FileName.EndsWith(".parquet", StringComparison.Ordinal));
        categories["bundles"] = HostileBundles.Rows.Count;

        Assert.Equal(["-Set", "CSV", "Parquet", "bundles", "configs", "event logs", "manifests", "names", "paths", "symlinks"], categories.Keys.Order(StringComparer.Ordinal));
        Assert.All(categories, c => Assert.True(c.Value >= 2, $"{c.Key} has {c.Value} case(s)"));
        Assert.True(categories.Values.Sum() >= 80, $"{categories.Values.Sum()} cases");
    }
}
