using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Config;
using RunTools.Verification;
using RunTools.Views;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Verification;

/// <summary>One set of rules decides what each line of an event log is worth, for writers, Test-Run and Repair-Run.</summary>
public sealed class LogTriageTests
{
    static readonly HashMap<string, string> NoSidecars = HashMap<string, string>();

    /// <summary>Encodes events as a chained log: (line, hash) pairs.</summary>
    static List<(string Line, string Hash)> Chain(params RunEvent[] events)
    {
        var lines = new List<(string, string)>();
        string? prev = null;
        for (var i = 0; i < events.Length; i++)
        {
            var line = RunJson.EncodeEvent(i + 1, prev, events[i]).Line;
            prev = RunJson.LineHash(Encoding.UTF8.GetBytes(line));
            lines.Add((line, prev));
        }
        return lines;
    }

    static (LogTriage Triage, List<LineVerdict> Verdicts) Read(IEnumerable<(string Line, string Hash)> lines)
    {
        var triage = LogTriage.Start;
        var verdicts = new List<LineVerdict>();
        var number = 0L;
        foreach (var (line, hash) in lines)
        {
            var (next, verdict) = triage.Step(++number, hash, RunJson.DecodeEvent(line, NoSidecars, "events.jsonl"));
            triage = next;
            verdicts.Add(verdict);
        }
        return (triage, verdicts);
    }

    static (string, string) Raw(string line) => (line, RunJson.LineHash(Encoding.UTF8.GetBytes(line)));

    static RunEvent[] Sample() =>
    [
        Created(),
        Status(1, RunStatus.Pending, RunStatus.Running),
        new MetricWritten(At(2), "auc", 0.5, null, null),
        new MetricWritten(At(3), "auc", 0.7, null, null),
    ];

    [Fact]
    public void A_chained_log_is_kept_line_by_line_and_replays()
    {
        var (triage, verdicts) = Read(Chain(Sample()));
        Assert.All(verdicts, v => Assert.Null(Assert.IsType<KeepLine>(v).Note));
        Assert.Equal((5L, 2L, 0.7), (triage.Expected, triage.ChainedFrom!.Value, triage.Manifest!.Metric("auc")!.Last));
        Assert.Equal(Replay(Sample()), triage.Manifest);
    }

    [Fact]
    public void A_line_that_does_not_decode_is_dropped_as_Modified()
    {
        var lines = Chain(Sample());
        lines[2] = Raw("{\"seq\":3,\"type\"");
        var drop = Assert.IsType<DropLine>(Read(lines).Verdicts[2]);
        Assert.Equal(CheckStatus.Modified, drop.Kind);
        Assert.StartsWith("line 3 is not an event", drop.Reason);
    }

    [Fact]
    public void An_altered_line_breaks_the_chain_at_the_next_line()
    {
        var lines = Chain(Sample());
        lines[2] = Raw(lines[2].Line.Replace("0.5", "0.9"));
        var verdicts = Read(lines).Verdicts;
        Assert.Null(Assert.IsType<KeepLine>(verdicts[2]).Note);
        Assert.Contains("line 4 does not carry the hash of line 3", Assert.IsType<KeepLine>(verdicts[3]).Note);
    }

    [Fact]
    public void A_repeated_sequence_number_is_dropped_and_a_gap_noted()
    {
        var lines = Chain(Sample());
        var repeated = Read([lines[0], lines[1], lines[1], lines[2]]).Verdicts;
        Assert.Equal("line 3 repeats sequence number 2 (expected 3)", Assert.IsType<DropLine>(repeated[2]).Reason);
        var gap = Read([lines[0], lines[1], lines[3]]).Verdicts;
        Assert.Contains("event 3 is missing before line 3", Assert.IsType<KeepLine>(gap[2]).Note);
    }

    [Fact]
    public void A_line_without_prev_in_a_chained_log_breaks_the_chain()
    {
        var lines = Chain(Sample());
        lines[3] = Raw(RunJson.EncodeEvent(4, null, Sample()[3]).Line);
        Assert.Contains("carries no hash of line 3", Assert.IsType<KeepLine>(Read(lines).Verdicts[3]).Note);
    }

    [Fact]
    public void A_log_written_before_the_chain_is_accepted_unchained_until_a_chained_line()
    {
        var created = RunJson.EncodeEvent(1, null, Created()).Line.Replace("\"schema_version\":2", "\"schema_version\":1");
        var unchained = Sample().Skip(1).Select((e, i) => RunJson.EncodeEvent(i + 2, null, e).Line).ToList();
        var lines = new List<(string, string)> { Raw(created) };
        lines.AddRange(unchained.Select(Raw));
        var (triage, verdicts) = Read(lines);
        Assert.All(verdicts, v => Assert.Null(Assert.IsType<KeepLine>(v).Note));
        Assert.Null(triage.ChainedFrom);

        // The first chained line starts the chain; after it every line must carry prev.
        var chained = RunJson.EncodeEvent(5, lines[^1].Item2, new MetricWritten(At(4), "auc", 0.8, null, null)).Line;
        lines.Add(Raw(chained));
        Assert.Equal(5L, Read(lines).Triage.ChainedFrom);
    }

    [Fact]
    public void An_event_that_cannot_follow_is_dropped()
    {
        var events = Sample().ToList();
        events.Insert(2, Ended(2, "train", 1, StageStatus.Completed));
        var drop = Assert.IsType<DropLine>(Read(Chain([.. events])).Verdicts[2]);
        Assert.Contains("stage 'train' ended but never started", drop.Reason);
    }

    [Fact]
    public void A_log_that_does_not_start_with_created_drops_its_first_line()
    {
        var lines = Chain(Sample());
        var verdict = Read(lines.Skip(1)).Verdicts[0];
        Assert.IsType<DropLine>(verdict);
    }

    [Fact]
    public void Continuing_from_run_json_checks_the_next_line_against_its_head()
    {
        var lines = Chain(Sample());
        var m = Replay(Sample()[..3]);
        var after = LogTriage.After(3, lines[2].Hash, 2, m);
        var (_, ok) = after.Step(4, lines[3].Hash, RunJson.DecodeEvent(lines[3].Line, NoSidecars, "e"));
        var (_, broken) = (after with { LastLineHash = Sha('z') }).Step(4, lines[3].Hash, RunJson.DecodeEvent(lines[3].Line, NoSidecars, "e"));
        Assert.Null(Assert.IsType<KeepLine>(ok).Note);
        Assert.NotNull(Assert.IsType<KeepLine>(broken).Note);
    }
}

/// <summary>An append of several events is taken all or none: its first line says how many it holds.</summary>
public sealed class LogTriageBatchTests
{
    static readonly HashMap<string, string> NoSidecars = HashMap<string, string>();

    static List<(string Line, string Hash)> Appends(params RunEvent[][] appends)
    {
        var lines = new List<(string, string)>();
        string? prev = null;
        var seq = 0;
        foreach (var append in appends)
            for (var i = 0; i < append.Length; i++)
            {
                var line = RunJson.EncodeEvent(++seq, prev, append[i], i == 0 ? append.Length : null).Line;
                prev = RunJson.LineHash(Encoding.UTF8.GetBytes(line));
                lines.Add((line, prev));
            }
        return lines;
    }

    static (LogTriage Triage, List<LineVerdict> Verdicts) Read(IEnumerable<(string Line, string Hash)> lines)
    {
        var triage = LogTriage.Start;
        var verdicts = new List<LineVerdict>();
        var n = 0L;
        foreach (var (line, hash) in lines)
        {
            var (next, verdict) = triage.Step(++n, hash, RunJson.DecodeEvent(line, NoSidecars, "events.jsonl"));
            triage = next;
            verdicts.Add(verdict);
        }
        return (triage, verdicts);
    }

    static RunEvent Metric(int i) => new MetricWritten(At(i), "loss", i, i, null);

    [Fact]
    public void Only_the_first_line_of_an_append_of_several_says_how_many()
    {
        var lines = Appends([Created()], [Status(1, RunStatus.Pending, RunStatus.Running)], [Metric(1), Metric(2), Metric(3)]);
        Assert.Equal([null, null, 3, null, null], lines.Select(l => Expect.Succ(RunJson.DecodeEvent(l.Line, NoSidecars, "e")).Batch));
        var (triage, verdicts) = Read(lines);
        Assert.True(triage.Whole);
        Assert.All(verdicts, v => Assert.Null(Assert.IsType<KeepLine>(v).Note));
    }

    [Fact]
    public void A_log_that_ends_inside_an_append_is_not_whole()
    {
        var lines = Appends([Created()], [Status(1, RunStatus.Pending, RunStatus.Running)], [Metric(1), Metric(2), Metric(3)]);
        Assert.Equal(1, Read(lines.Take(4)).Triage.BatchLeft); // two of the three events read
        Assert.False(Read(lines.Take(4)).Triage.Whole);
    }

    [Fact]
    public void An_append_cut_short_in_the_middle_of_the_log_is_noted()
    {
        var lines = Appends([Created()], [Status(1, RunStatus.Pending, RunStatus.Running)], [Metric(1), Metric(2), Metric(3)], [Metric(4), Metric(5)]);
        var cut = lines.Take(3).Concat(lines.Skip(5)).ToList();
        var verdicts = Read(cut).Verdicts;
        Assert.Contains(verdicts, v => v is KeepLine { Note: { } note } && note.Contains("cut short", StringComparison.Ordinal));
    }
}
