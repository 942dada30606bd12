using System.Diagnostics;
using System.Globalization;
using RunTools.Manifests;
using RunTools.Shell.Store;
using RunTools.Views;
using Xunit.Abstractions;

namespace RunTools.Shell.Tests.Faults;

/// <summary>
/// Starts the fault harness on one target again and again and kills each start with SIGKILL at a random moment (from
/// a seeded generator: <c>RUNTOOLS_FAULT_SEED</c> replays a campaign's choices), so the damage of one kill is what the
/// next start must cope with. Between kills it checks the invariants, sometimes lets the next writer run to its end or
/// runs Repair-Run and checks that the traces are gone, and counts what Test-Run found.
/// </summary>
public sealed class KillCampaign : IDisposable
{
    public const string SeedVariable = "RUNTOOLS_FAULT_SEED";

    /// <summary>Generous: a busy machine makes a start slow, and no test may fail for that.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    static int totalKills;

    readonly ITestOutputHelper output;
    readonly string operation;
    readonly Random random;
    // Reported, never asserted: how long the campaign took.
    readonly long startedMs = Environment.TickCount64;
    readonly SortedDictionary<string, int> findings = new(StringComparer.Ordinal);
    readonly IReadOnlyList<string> outsideBefore;
    readonly Func<RunCheck, RunManifest, bool>? alsoExpected;
    long series;

    /// <param name="alsoExpected">Findings that are, for this operation, the trace of a kill too (beyond Stale and
    /// Leftover), which Repair-Run does not mend; the next writer that runs to its end must.</param>
    public KillCampaign(ITestOutputHelper output, string operation, Func<RunCheck, RunManifest, bool>? alsoExpected = null)
    {
        this.alsoExpected = alsoExpected;
        this.output = output;
        this.operation = operation;
        Seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();
        random = new Random(Seed);
        output.WriteLine($"{operation}: seed {Seed} (set {SeedVariable}={Seed} to replay these kill moments)");
        // Files to add as artifacts: different sizes, so a kill lands in a copy now and then.
        for (var i = 0; i < 6; i++)
        {
            var bytes = new byte[(1 << (8 + 2 * i)) + i];
            new Random(i).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(Sandbox.Sources, $"source{i}.bin"), bytes);
        }
        outsideBefore = Sandbox.OutsideRoot();
    }

    public int Seed { get; }

    public Sandbox Sandbox { get; } = new();

    public Acknowledged Acks { get; } = new();

    public int Kills { get; private set; }

    int mendedByWriter, mendedByRepair;

    /// <summary>One start, killed at a random moment: 0-400 ms after it is ready (its first operation is under way)
    /// or after its first acknowledgement.</summary>
    public void KillOnce(string target, params string[] extra)
    {
        var afterFirstAck = random.Next(2) == 0;
        var delay = random.Next(0, 400);
        using var harness = HarnessProcess.Start(Sandbox, [operation, target, "--series", (++series).ToString(CultureInfo.InvariantCulture), .. extra]);
        Require(harness.WaitForLine(l => l == "ready", Patience), harness, "it did not get ready");
        if (afterFirstAck) Require(harness.WaitForLine(l => l.StartsWith("ack ", StringComparison.Ordinal), Patience), harness, "it acknowledged nothing");
        Thread.Sleep(delay);
        Require(!harness.HasExited, harness, "it ended before it was killed");
        harness.Kill();
        Require(!harness.Lines.Any(l => l.StartsWith("fail ", StringComparison.Ordinal)) && harness.ErrorOutput.Length == 0, harness, "an operation failed");
        Acks.AddAll(harness.Acks);
        Kills++;
        Interlocked.Increment(ref totalKills);
    }

    /// <summary>A start that is not killed: <paramref name="count"/> operations, then it ends by itself.</summary>
    public void RunToEnd(string target, int count, params string[] extra)
    {
        using var harness = HarnessProcess.Start(Sandbox, [operation, target, "--series", (++series).ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture), .. extra]);
        Require(harness.WaitForExit(Patience) == 0, harness, "it did not end well");
        Acks.AddAll(harness.Acks);
    }

    /// <summary>Counts a trace of a kill that Test-Run does not see (a staging folder under the root).</summary>
    public void Tally(string finding, int count)
    {
        if (count > 0) findings[finding] = findings.GetValueOrDefault(finding) + count;
    }

    /// <summary>Counts a mending by a writer that ran to its end, checked by the caller.</summary>
    public void MendedByWriter() => mendedByWriter++;

    /// <summary>The invariants of <see cref="CrashInvariants.AfterKill"/>; counts Test-Run's findings.</summary>
    public void CheckRun(string run)
    {
        var check = CrashInvariants.AfterKill(run, Acks, alsoExpected);
        foreach (var f in check.Findings.Filter(c => !c.Passed))
        {
            var key = $"{f.Status} {f.Kind}";
            findings[key] = findings.GetValueOrDefault(key) + 1;
        }
        if (check.Problems.Count > 0) Fail($"after kill {Kills}, in {run}:\n  {string.Join("\n  ", check.Problems)}");
    }

    /// <summary>Now and then (a seeded choice) the traces of the kills are mended, by the next writer running to its end
    /// or by Repair-Run, and then Test-Run must pass everything.</summary>
    /// <summary>How many operations the next writer does to mend the run (a stage campaign runs each of its stages).</summary>
    public int MendingOperations { get; init; } = 1;

    public void MaybeMend(string run, params string[] extra)
    {
        switch (random.Next(6))
        {
            case 0:
                MendByNextWriter(run, run, extra);
                break;
            case 1:
                MendByRepair(run, run);
                break;
        }
    }

    public void MendByNextWriter(string target, string run, params string[] extra)
    {
        RunToEnd(target, MendingOperations, extra);
        MendedByWriter();
        RequireMended(run, "the next writer", null);
    }

    public void MendByRepair(string run, string verify)
    {
        var repaired = RunRepair.Execute(run, _ => true, DateTimeOffset.UtcNow);
        if (repaired.IsFail) Fail($"Repair-Run failed: {(LanguageExt.Common.Error)repaired}");
        mendedByRepair++;
        RequireMended(verify, "Repair-Run", alsoExpected);
    }

    void RequireMended(string run, string by, Func<RunCheck, RunManifest, bool>? alsoExpected)
    {
        var left = CrashInvariants.NotMended(run, alsoExpected).ToList();
        if (left.Count > 0) Fail($"after kill {Kills}, {by} left in {run}:\n  {string.Join("\n  ", left)}");
    }

    /// <summary>Nothing outside the root changed: the sources, the harness's working directory, TMPDIR and HOME.</summary>
    public void CheckOutsideRoot()
    {
        var now = Sandbox.OutsideRoot();
        if (!now.SequenceEqual(outsideBefore))
            Fail($"after kill {Kills}, files outside the root changed:\n  {string.Join("\n  ", now.Except(outsideBefore).Concat(outsideBefore.Except(now).Select(p => "gone: " + p)))}");
    }

    public void Fail(string message) =>
        throw new Xunit.Sdk.XunitException($"{operation}, seed {Seed} ({SeedVariable} replays it): {message}");

    void Require(bool condition, HarnessProcess harness, string what)
    {
        if (!condition) Fail($"start {series} of the harness: {what}\n{harness.Transcript()}");
    }

    public void Report()
    {
        var found = findings.Count == 0 ? "none" : string.Join(", ", findings.Select(f => $"{f.Value} × {f.Key}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{operation}: {Kills} kills in {(Environment.TickCount64 - startedMs) / 1000.0:F1} s, {Acks.Count} acknowledgements; " +
            $"findings after the kills: {found}; mended by the next writer {mendedByWriter} ×, by Repair-Run {mendedByRepair} ×; " +
            $"kills so far in this test run: {Volatile.Read(ref totalKills)}"));
    }

    public void Dispose() => Sandbox.Dispose();
}
