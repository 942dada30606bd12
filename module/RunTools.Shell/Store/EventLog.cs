using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Verification;

namespace RunTools.Shell.Store;

/// <summary>Where an events.jsonl stands: how many bytes of complete lines, how many events, the hash of the last
/// line (the chain head), the first sequence number whose line carries <c>prev</c> (null while a log written before
/// the hash chain has none), and whether bytes of a cut-off line follow.</summary>
public sealed record LogState(long Bytes, long Count, string? Head, long? ChainedFrom, bool TornTail)
{
    public static readonly LogState Empty = new(0, 0, null, null, false);
}

/// <summary>One complete line of events.jsonl as read from disk, with where it starts and its hash.</summary>
public readonly record struct RawLine(long Number, long Offset, ReadOnlyMemory<byte> Bytes, string Hash);

/// <summary>
/// events.jsonl: streamed reads (nothing grows with the log but what the caller keeps), hash-chain checks, and appends
/// under the run lock. Every line after the first carries the hash of the line before it; a line that breaks the chain,
/// repeats or skips a sequence number, or does not decode makes the log damaged (Repair-Run quarantines such lines).
/// </summary>
public static class EventLog
{
    /// <summary>Longest event line read (a line is one event; configs and long lists live in sidecars).</summary>
    public const int MaxLineBytes = 64 << 20;

    static string PathOf(string run) => Path.Combine(run, RunLayout.Events);

    /// <summary>Reads every complete line from <paramref name="offset"/> (which must be 0 or the end of a line), in
    /// order, with its hash. Stops early when <paramref name="line"/> returns false. A last line without its newline
    /// (a write cut off) is not given; the returned value says where the complete lines end and whether such bytes
    /// follow.</summary>
    public static Fin<(long End, bool TornTail)> Lines(string run, long offset, long firstNumber, Func<RawLine, bool> line)
    {
        var path = PathOf(run);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            stream.Seek(offset, SeekOrigin.Begin);
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
            var pending = new ArrayBufferWriter<byte>();
            try
            {
                var position = offset;
                var number = firstNumber;
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    var chunk = buffer.AsMemory(0, read);
                    while (!chunk.IsEmpty)
                    {
                        var newline = chunk.Span.IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            if (pending.WrittenCount + chunk.Length > MaxLineBytes)
                                return FinFail<(long, bool)>(new RunCorrupted(path, $"line {number} is longer than {MaxLineBytes >> 20} MiB"));
                            pending.Write(chunk.Span);
                            break;
                        }
                        ReadOnlyMemory<byte> bytes;
                        if (pending.WrittenCount > 0)
                        {
                            pending.Write(chunk.Span[..newline]);
                            bytes = pending.WrittenMemory;
                        }
                        else
                        {
                            bytes = chunk[..newline];
                        }
                        var start = position;
                        position += bytes.Length + 1;
                        chunk = chunk[(newline + 1)..];
                        if (bytes.Length > MaxLineBytes)
                            return FinFail<(long, bool)>(new RunCorrupted(path, $"line {number} is longer than {MaxLineBytes >> 20} MiB"));
                        var keepGoing = line(new RawLine(number++, start, bytes, RunJson.LineHash(bytes.Span)));
                        pending.ResetWrittenCount();
                        if (!keepGoing) return (position, false);
                    }
                }
                return (position, pending.WrittenCount > 0);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (FileNotFoundException)
        {
            return FinFail<(long, bool)>(new RunCorrupted(run, $"{RunLayout.Events} is missing"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<(long, bool)>(new StorageFailed(path, "read", e.Message));
        }
    }

    /// <summary>Reads the lines after <paramref name="offset"/> (which ends the line that <paramref name="start"/> was
    /// left at) through the one set of rules in <see cref="LogTriage"/>, handing each line and its verdict to
    /// <paramref name="onLine"/> (which returns false to stop). Returns the triage after the last line read, where the
    /// complete lines end, and whether bytes of a cut-off line follow.</summary>
    public static Fin<(LogTriage Triage, long End, bool TornTail)> Triage(string run, HashMap<string, string> sidecars, LogTriage start, long offset,
        Func<RawLine, LineVerdict, LogTriage, bool> onLine)
    {
        var path = PathOf(run);
        var triage = start;
        return Lines(run, offset, start.Expected, raw =>
        {
            var (next, verdict) = triage.Step(raw.Number, raw.Hash, RunJson.DecodeEvent(raw.Bytes, sidecars, $"{path}:{raw.Number}"));
            triage = next;
            return onLine(raw, verdict, next);
        }).Map(end => (triage, end.End, end.TornTail));
    }

    /// <summary>Replays the whole log into a manifest; any line that is not a clean continuation (see
    /// <see cref="LogTriage"/>) makes the log damaged (RunCorrupted naming the line).</summary>
    public static Fin<(RunManifest Manifest, LogState Log)> Replay(string run, HashMap<string, string> sidecars) =>
        Continue(run, sidecars, null, LogState.Empty);

    /// <summary>Applies the events after <paramref name="start"/> to <paramref name="manifest"/> (null: from the start),
    /// strictly: the first line that is not a clean continuation makes the log damaged. <paramref name="seen"/> gets
    /// every event read.</summary>
    public static Fin<(RunManifest Manifest, LogState Log)> Continue(string run, HashMap<string, string> sidecars, RunManifest? manifest, LogState start,
        Action<RunEvent>? seen = null)
    {
        var path = PathOf(run);
        var from = manifest is null ? LogTriage.Start : LogTriage.After(start.Count, start.Head, start.ChainedFrom, manifest);
        RunError? problem = null;
        // Where the log stands after the last whole append, and the events of the append being read: an append cut
        // short by a kill counts as a cut-off tail, taken all or none.
        var state = start;
        var committed = (State: start, Triage: from);
        var pending = new List<RunEvent>();
        var read = Triage(run, sidecars, from, start.Bytes, (raw, verdict, after) =>
        {
            switch (verdict)
            {
                case KeepLine { Note: null } keep:
                    pending.Add(keep.Event);
                    state = state with { Bytes = raw.Offset + raw.Bytes.Length + 1, Count = raw.Number, Head = raw.Hash };
                    if (after.Whole)
                    {
                        committed = (state, after);
                        if (seen is not null) foreach (var e in pending) seen(e);
                        pending.Clear();
                    }
                    return true;
                case KeepLine keep:
                    problem = new RunCorrupted($"{path}:{raw.Number}", keep.Note!);
                    return false;
                case DropLine drop:
                    problem = drop.Cause as SchemaVersionUnsupported ?? (RunError)new RunCorrupted($"{path}:{raw.Number}", drop.Reason);
                    return false;
                default:
                    return false;
            }
        });
        return read.Bind(r => problem is not null ? FinFail<(RunManifest, LogState)>(problem)
            : committed.Triage.Manifest is null ? FinFail<(RunManifest, LogState)>(new RunCorrupted(path, "there are no events"))
            : FinSucc((committed.Triage.Manifest, committed.State with
            {
                ChainedFrom = committed.Triage.ChainedFrom,
                TornTail = r.TornTail || committed.State.Bytes < r.End,
            })));
    }

    /// <summary>Whether the complete line that ends at <paramref name="end"/> has the hash <paramref name="head"/>: a
    /// run.json is trusted for appending only when the line it says was last is still there, unchanged. Reads that
    /// one line, from the end.</summary>
    public static bool LastLineIs(string run, long end, string head)
    {
        try
        {
            using var stream = new FileStream(PathOf(run), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (end <= 0 || stream.Length < end) return false;
            var lastByte = new byte[1];
            stream.Seek(end - 1, SeekOrigin.Begin);
            if (stream.Read(lastByte) != 1 || lastByte[0] != (byte)'\n') return false;
            // Walk back in blocks to the newline before the last line (or the start of the file).
            var lineEnd = end - 1;
            var start = lineEnd;
            var block = new byte[64 << 10];
            while (start > 0)
            {
                var from = Math.Max(0, start - block.Length);
                var length = (int)(start - from);
                stream.Seek(from, SeekOrigin.Begin);
                stream.ReadExactly(block, 0, length);
                var newline = block.AsSpan(0, length).LastIndexOf((byte)'\n');
                if (newline >= 0)
                {
                    start = from + newline + 1;
                    break;
                }
                start = from;
                if (lineEnd - start > MaxLineBytes) return false;
            }
            var line = new byte[lineEnd - start];
            stream.Seek(start, SeekOrigin.Begin);
            stream.ReadExactly(line);
            return RunJson.LineHash(line) == head;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Encodes events as lines continuing the chain from <paramref name="state"/>; also returns the sidecars
    /// they refer to and where the log will stand.</summary>
    public static (byte[] Bytes, Seq<Sidecar> Sidecars, LogState After) Encode(LogState state, Seq<RunEvent> events)
    {
        var text = new MemoryStream();
        var sidecars = new List<Sidecar>();
        var after = state with { TornTail = false };
        var first = true;
        foreach (var e in events)
        {
            var seq = after.Count + 1;
            var (line, referenced) = RunJson.EncodeEvent(seq, after.Head, e, first ? events.Count : null);
            first = false;
            sidecars.AddRange(referenced);
            var bytes = Encoding.UTF8.GetBytes(line);
            text.Write(bytes);
            text.WriteByte((byte)'\n');
            after = after with
            {
                Bytes = after.Bytes + bytes.Length + 1,
                Count = seq,
                Head = RunJson.LineHash(bytes),
                ChainedFrom = after.ChainedFrom ?? (seq == 1 ? 2 : seq),
            };
        }
        return (text.ToArray(), toSeq(sidecars), after);
    }

    /// <summary>Appends events (the caller holds the run lock and has read the log up to <paramref name="state"/>).
    /// Sidecars are written first, so an event never refers to a sidecar that is not on disk. Bytes after the last
    /// complete line (a write cut off) are cut before appending. The log is opened without following a symbolic link.
    /// Returns where the log stands after the append.</summary>
    public static LogState Append(string run, LogState state, Seq<RunEvent> events)
    {
        var (bytes, sidecars, after) = Encode(state, events);
        Sidecars.Write(run, sidecars);
        using var stream = OwnFiles.OpenWrite(PathOf(run));
        if (stream.Length != state.Bytes) stream.SetLength(state.Bytes);
        stream.Seek(state.Bytes, SeekOrigin.Begin);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        return after;
    }

    /// <summary>The events.jsonl of a run that is being created (in its staging directory), or rebuilt.</summary>
    public static LogState WriteNew(string run, Seq<RunEvent> events)
    {
        var (bytes, sidecars, after) = Encode(LogState.Empty, events);
        Sidecars.Write(run, sidecars);
        AtomicFile.WriteBytes(PathOf(run), bytes);
        return after;
    }
}

/// <summary>Sidecar files: content-addressed (named by the SHA-256 of their bytes), written once, never changed.</summary>
public static class Sidecars
{
    public static void Write(string run, Seq<Sidecar> sidecars)
    {
        foreach (var s in sidecars.Distinct())
        {
            var path = Path.Combine(run, s.RelativePath);
            if (!File.Exists(path)) AtomicFile.WriteText(path, s.Content);
        }
    }

    // Contents already read and verified, by file, size and time: a sidecar never changes legitimately, and a large
    // config should not be re-read and re-hashed on every update of its run.
    static readonly Dictionary<string, (long Length, DateTime Written, string Content)> Cache = new(StringComparer.Ordinal);
    static long cachedBytes;
    const long CacheLimit = 256L << 20;

    /// <summary>All sidecars of a run by hash (a run has a handful: long feature and column lists, a large config,
    /// quarantined event lines). Each must be named by the hash of its bytes.</summary>
    public static Fin<HashMap<string, string>> ReadAll(string run)
    {
        var directory = Path.Combine(run, RunLayout.Sidecars);
        var result = HashMap<string, string>();
        if (!Directory.Exists(directory)) return result;
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (name.StartsWith('.')) continue;
                var read = Read(file, name);
                if (read.IsFail) return read.Map(_ => result);
                result = result.AddOrUpdate(name, (string)read);
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<HashMap<string, string>>(new StorageFailed(directory, "read", e.Message));
        }
    }

    /// <summary>The sidecars whose bytes match their names; damaged ones are left out (Test-Run reports them).</summary>
    public static HashMap<string, string> ReadValid(string run)
    {
        var directory = Path.Combine(run, RunLayout.Sidecars);
        var result = HashMap<string, string>();
        try
        {
            if (!Directory.Exists(directory) || RealPaths.IsLink(directory)) return result;
            foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (!name.StartsWith('.') && Read(file, name).Case is string content) result = result.AddOrUpdate(name, content);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return result;
    }

    static Fin<string> Read(string file, string sha256)
    {
        var info = new FileInfo(file);
        lock (Cache)
        {
            if (Cache.TryGetValue(file, out var hit) && hit.Length == info.Length && hit.Written == info.LastWriteTimeUtc) return hit.Content;
        }
        var parsed = Sidecar.Parse(sha256, File.ReadAllBytes(file), file);
        if (parsed.IsFail) return parsed.Map(s => s.Content);
        var content = ((Sidecar)parsed).Content;
        lock (Cache)
        {
            if (cachedBytes + content.Length > CacheLimit)
            {
                Cache.Clear();
                cachedBytes = 0;
            }
            if (content.Length <= CacheLimit)
            {
                Cache[file] = (info.Length, info.LastWriteTimeUtc, content);
                cachedBytes += content.Length;
            }
        }
        return content;
    }
}
