using FsCheck;
using FsCheck.Fluent;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Stages;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Manifests;

/// <summary>One abstract command; its numbers pick what to do among what is possible at that point.</summary>
public sealed record Step(int Kind, int A, int B, int C);

/// <summary>A created run and a list of commands to play against it.</summary>
public sealed record RunScript(RunCreated Created, Seq<Step> Steps)
{
    public override string ToString() =>
        $"{Created.Name} features={Created.FeatureList.Count} git={(Created.Git is null ? "null" : "set")} " +
        $"steps=[{string.Join(", ", Steps.Map(s => $"{s.Kind}:{s.A}/{s.B}/{s.C}"))}]";
}

/// <summary>
/// Random but valid runs. The commands are played through the real decisions (RunCommands, StagePlanner) so every
/// event sequence is one the shell could have written: status changes are chosen among the legal ones for the
/// observed status, stages start through StagePlanner.Decide and end through StagePlanner.End.
/// </summary>
public static class RunScripts
{
    static readonly string[] StageNames = ["prepare", "train", "eval"];
    static readonly string[] MetricNames = ["auc", "val/loss", "fold.1/rmse"];
    static readonly string[] Extensions = [".zip", ".csv", ".png", ".log", ".yaml", ".bin", ".onnx"];

    static Gen<string?> OptionalText(params string[] values) =>
        Gen.Frequency((1, Gen.Constant<string?>(null)), (2, Gen.Elements(values).Select(v => (string?)v)));

    static Gen<DateTimeOffset> Time =>
        from seconds in Gen.Choose(0, 10_000_000)
        from ticks in Gen.Choose(0, 9_999_999)
        from offset in Gen.Elements(0, 0, 60, -300, 330, 780)
        select new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds).AddTicks(ticks).ToOffset(TimeSpan.FromMinutes(offset));

    static Gen<Guid> Id => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16).Select(bytes => new Guid(bytes));

    static Gen<Seq<string>> Columns =>
        from n in Gen.Frequency((4, Gen.Choose(0, 8)), (1, Gen.Choose(60, 70)))
        select toSeq(Enumerable.Range(0, n).Select(i => $"c{i}").ToArray());

    static Gen<InputFile> Input(int index) =>
        from columns in Columns
        from format in Gen.Elements(DataFormat.Csv, DataFormat.Parquet, DataFormat.Other)
        from rows in Gen.Frequency((1, Gen.Constant<long?>(null)), (3, Gen.Choose(0, 1_000_000).Select(r => (long?)r)))
        from bytes in Gen.Choose(0, int.MaxValue)
        from c in Gen.Elements('a', 'b', 'c', 'd')
        select new InputFile($"data/in{index}.{format.ToString().ToLowerInvariant()}", $"/data/in{index}", new string(c, 64), bytes, format,
            format == DataFormat.Other ? null : rows, format == DataFormat.Other ? NameList.Empty : new NameList(columns));

    static Gen<EnvironmentInfo> Environment =>
        from n in Gen.Choose(0, 3)
        from values in Gen.ArrayOf(OptionalText("0", "", "a b", "x=y", "é"), n)
        from cpus in Gen.Choose(1, 256)
        from os in Gen.Elements("Linux", "Windows 11", "macOS 15")
        select new EnvironmentInfo("10.0.12", "7.5.0", os, "host-a", cpus,
            toSeq(values.Select((v, i) => new EnvironmentVariable($"VAR_{i}", v)).ToArray()));

    static Gen<GitState?> Git =>
        Gen.Frequency(
            (1, Gen.Constant<GitState?>(null)),
            (2, from branch in OptionalText("main", "feature/x")
                from dirty in Gen.Elements(true, false)
                select (GitState?)new GitState("0123456789abcdef0123456789abcdef01234567", branch, dirty)));

    static Gen<Seq<LineageRef>> Lineage =>
        Gen.Frequency(
            (2, Gen.Constant(Seq<LineageRef>())),
            (1, from id in Id
                from stage in OptionalText("train")
                from path in OptionalText("model.zip")
                from sha in OptionalText(new string('f', 64))
                select Seq1(new LineageRef(id, "20250101_000000_up", "upstream", stage, path, sha))));

    public static Gen<RunCreated> Created =>
        from id in Id
        from at in Time
        from inputCount in Gen.Choose(0, 2)
        from first in Input(0)
        from second in Input(1)
        let inputs = new[] { first, second }.Take(inputCount).ToArray()
        from config in ConfigGen.Map(2)
        from withLabel in Gen.Elements(true, false)
        from env in Environment
        from git in Git
        from lineage in Lineage
        let table = toSeq(inputs).Find(i => i.Format != DataFormat.Other && i.Columns.Count > 0)
        let labelled = withLabel && table.IsSome
        let data = labelled ? config.With("data", M(("label", S(table.Map(t => t.Columns.Items.Last()).IfNone(""))))) : config
        let spec = new NewRunSpec(id, Fx.Key("r1"), "0.1.0", toSeq(inputs), data, env, git, lineage)
        select Expect.Succ(RunCommands.Create(spec, RunCommands.DirectoryName(at, Fx.Key("r1"), 1), at));

    static Gen<Step> StepGen =>
        from kind in Gen.Frequency((3, Gen.Constant(0)), (4, Gen.Constant(1)), (4, Gen.Constant(2)), (2, Gen.Constant(3)), (2, Gen.Constant(4)), (1, Gen.Constant(5)))
        from a in Gen.Choose(0, 1000)
        from b in Gen.Choose(0, 1000)
        from c in Gen.Choose(0, 1000)
        select new Step(kind, a, b, c);

    public static Gen<RunScript> Scripts =>
        from created in Created
        from n in Gen.Choose(0, 40)
        from steps in Gen.ArrayOf(StepGen, n)
        select new RunScript(created, toSeq(steps));

    public static IEnumerable<RunScript> Shrink(RunScript script) =>
        Enumerable.Range(0, script.Steps.Count)
            .Select(i => script with { Steps = toSeq(script.Steps.Where((_, j) => j != i).ToArray()) });

    /// <summary>Plays the steps; each step's events are applied at once (a step that breaks a rule fails the test).
    /// Returns every event, created first, and the manifest they made.</summary>
    public static (Seq<RunEvent> Events, RunManifest Manifest) Play(RunScript script)
    {
        var events = new List<RunEvent> { script.Created };
        var m = Manifest.Start(script.Created);
        var me = new ProcessInfo(100, "host-a", script.Created.At);
        var i = 0;
        foreach (var step in script.Steps)
        {
            var now = script.Created.At.AddSeconds(++i).AddTicks(step.C);
            var produced = Decide(m, step, me, now);
            if (produced.IsFail) continue;
            var next = (Seq<RunEvent>)produced;
            m = Manifest.ApplyAll(m, next).Match(
                Succ: x => x,
                Fail: e => throw new Xunit.Sdk.XunitException($"step {i} ({step}) produced events that do not apply: {e}"));
            events.AddRange(next);
        }
        return (toSeq(events), m);
    }

    static Fin<Seq<RunEvent>> Decide(RunManifest m, Step s, ProcessInfo me, DateTimeOffset now)
    {
        // Sometimes the stored running run has no live process any more.
        var observed = m.Status == RunStatus.Running && s.B % 4 == 0 ? RunStatus.Abandoned : m.Status;
        var live = observed == RunStatus.Abandoned || s.B % 2 == 0 ? Seq<ProcessInfo>() : Seq1(me);
        switch (s.Kind)
        {
            case 0:
            {
                var options = Lifecycle.RunTransitions.Filter(t => t.From == observed);
                if (options.IsEmpty) return Nothing;
                var to = options[s.A % options.Count].To;
                var error = to == RunStatus.Failed ? new ErrorInfo("SetRunStatus", $"marked failed {s.C}", null, now) : null;
                return Must(RunCommands.ChangeStatus(m, observed, to, me, now, s.C % 2 == 0 ? null : $"note {s.C}", error));
            }
            case 1:
            {
                var stage = StageNames[s.A % StageNames.Length];
                var previous = m.Stage(stage);
                var request = new StageRequest(
                    Expect.Succ(Names.StageName(stage)),
                    stage != "prepare" && s.B % 3 == 0 ? Seq1("prepare") : Seq<string>(),
                    Seq1(new FileHash("data/train.csv", new string(s.C % 2 == 0 ? 'a' : 'b', 64), 10)),
                    s.C % 3 == 0 ? Seq($"out/{stage}.bin", "out/extra.csv") : Seq1($"out/{stage}.bin"),
                    previous is null ? Seq<(string, FileHash?)>() : previous.Outputs.Map(o => (o.Path, s.A % 3 == 0 ? null : (FileHash?)o)),
                    s.C % 7 == 0,
                    s.A % 5 == 0 ? "train.ps1 --v2" : "train.ps1");
                return StagePlanner.Decide(m, observed, live, request, me, now).Map(d => d switch
                {
                    StartStage start => start.Events,
                    _ => Seq<RunEvent>(),
                });
            }
            case 2:
            {
                var running = m.Stages.Filter(x => x.Status == StageStatus.Running);
                if (running.IsEmpty) return Nothing;
                var stage = running[s.A % running.Count];
                StageOutcome outcome = (s.B % 3) switch
                {
                    0 => new StageSucceeded(),
                    1 => new StageErrored(new StageScriptFailed(stage.Name, "System.Exception", $"boom {s.C}"), "System.Exception"),
                    _ => new StageWasCancelled(),
                };
                var outputs = Seq(
                    ($"out/{stage.Name}.bin", s.C % 4 == 0 ? null : (FileHash?)new FileHash($"out/{stage.Name}.bin", new string('e', 64), s.C)),
                    ("out/extra.csv", s.C % 2 == 0 ? null : (FileHash?)new FileHash("out/extra.csv", new string('f', 64), 1)));
                return FinSucc(StagePlanner.End(m, stage.Name, stage.Attempt, outcome, s.A % 2 == 0 ? outputs.Take(1).ToSeq() : outputs, me, now));
            }
            case 3:
            {
                var points = toSeq(Enumerable.Range(0, 1 + s.A % 3).Select(k => new MetricPoint(
                    MetricNames[(s.A + k) % MetricNames.Length],
                    (s.B - 500 + k) / 64.0 * (s.C % 2 == 0 ? 1 : 1e-3),
                    s.C % 3 == 0 ? null : s.C + k,
                    s.B % 2 == 0 ? null : "train")).ToArray());
                return Must(RunCommands.WriteMetrics(m, points, me, now));
            }
            case 4:
            {
                var ext = Extensions[s.B % Extensions.Length];
                var artifact = new Artifact($"artifacts/a{s.A % 4}{ext}", new string("0123456789abcdef"[s.C % 16], 64), s.B,
                    Enum.GetValues<ArtifactKind>()[s.C % 9], s.A % 2 == 0 ? null : "train", now);
                return RunCommands.AddArtifact(m, artifact, replace: s.B % 2 == 0, me);
            }
            default:
                return FinSucc(Seq1<RunEvent>(new ProgressReported(now, s.A % 2 == 0 ? null : "train", $"{s.B}%")));
        }
    }

    static readonly Fin<Seq<RunEvent>> Nothing = FinSucc(Seq<RunEvent>());

    /// <summary>Commands the script only issues when they are legal must succeed.</summary>
    static Fin<Seq<RunEvent>> Must(Fin<Seq<RunEvent>> decision) =>
        decision.IsSucc ? decision : throw new Xunit.Sdk.XunitException($"a legal command was refused: {decision}");
}

public static class RunScriptArbitraries
{
    public static Arbitrary<RunScript> Scripts() => Arb.From(RunScripts.Scripts, RunScripts.Shrink);
}
