using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Manifests;

/// <summary>A small, fixed world for manifest tests: one clock, two processes, one environment, one CSV input.</summary>
internal static class Fx
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static readonly Guid RunId = Guid.Parse("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f");
    public const string RunName = "20260301_120000_baseline";
    public const string Source = "runs/20260301_120000_baseline/events.jsonl";

    public static readonly ProcessInfo Me = new(4242, "host-a", T0.AddMinutes(-10));
    public static readonly ProcessInfo Other = new(777, "host-b", T0.AddMinutes(-20));

    public static readonly EnvironmentInfo Env = new(
        "10.0.12", "7.5.0", "Debian GNU/Linux 12", "host-a", 8,
        Seq(new EnvironmentVariable("CUDA_VISIBLE_DEVICES", "0"), new EnvironmentVariable("OMP_NUM_THREADS", null)));

    public static readonly GitState Git = new("0123456789abcdef0123456789abcdef01234567", "main", false);

    public static string Sha(char c) => new(c, 64);

    public static FileHash File(string path, char c, long bytes = 10) => new(path, Sha(c), bytes);

    public static RunKey Key(string key = "baseline") => Expect.Succ(Names.RunKey(key));

    /// <summary>data.label = y, data.id = id; a model section with an int and a float.</summary>
    public static readonly ConfigMap BaseConfig = M(
        ("data", M(("label", S("y")), ("id", S("id")))),
        ("model", M(("trees", I(200)), ("lr", F(0.5)))));

    public static InputFile Csv(params string[] columns) =>
        new("data/train.csv", "/work/data/train.csv", Sha('d'), 4096, DataFormat.Csv, 100, new NameList(toSeq(columns)));

    public static readonly InputFile Train = Csv("id", "x1", "x2", "y");

    public static NewRunSpec Spec(ConfigValue? config = null, Seq<InputFile>? inputs = null, GitState? git = null) =>
        new(RunId, Key(), "0.1.0", inputs ?? Seq1(Train), config ?? BaseConfig, Env, git, Seq<LineageRef>());

    public static RunCreated Created(ConfigValue? config = null, Seq<InputFile>? inputs = null) =>
        Expect.Succ(RunCommands.Create(Spec(config, inputs, Git), RunName, T0));

    public static RunManifest NewRun() => Manifest.Start(Created());

    public static RunManifest Apply(RunManifest m, params RunEvent[] events) => Expect.Succ(Manifest.ApplyAll(m, toSeq(events)));

    public static RunManifest Replay(params RunEvent[] events) => Expect.Succ(Manifest.Replay(toSeq(events), Source));

    public static RunStatusChanged Status(double t, RunStatus from, RunStatus to, ProcessInfo? by = null, string? message = null,
        ErrorInfo? error = null) => new(At(t), from, to, by ?? Me, message, error);

    public static StageStarted Started(double t, string stage, int attempt = 1, Seq<FileHash> inputs = default,
        Seq<string> dependsOn = default, string command = "scriptblock sha256:aa", ProcessInfo? by = null) =>
        new(At(t), stage, attempt, dependsOn, inputs, by ?? Me, command, $"logs/{stage}.log");

    public static StageEnded Ended(double t, string stage, int attempt, StageStatus status, Seq<FileHash> outputs = default,
        ErrorInfo? error = null) => new(At(t), stage, attempt, status, outputs, error);

    /// <summary>A created run that a Status(1) event has started.</summary>
    public static RunManifest StartedRun() => Apply(NewRun(), Status(1, RunStatus.Pending, RunStatus.Running));
}
