using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;

namespace RunTools.Shell.Store;

/// <summary>events.jsonl: read, and append under the run lock.</summary>
public static class EventLog
{
    public sealed record Contents(Seq<RunEvent> Events, long ValidBytes, bool TornTail);

    /// <summary>Reads every complete event. A last line without its newline is a write that was cut off (the process
    /// died mid-append); it is reported as <see cref="Contents.TornTail"/> and ignored, and the next append removes it.</summary>
    public static Fin<Contents> Read(string runDirectory, HashMap<string, Seq<string>> sidecars)
    {
        var path = Path.Combine(runDirectory, RunLayout.Events);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return FinFail<Contents>(new RunCorrupted(runDirectory, $"{RunLayout.Events} is missing"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Contents>(new StorageFailed(path, "read", e.Message));
        }

        var lastNewline = System.Array.LastIndexOf(bytes, (byte)'\n');
        var validBytes = lastNewline + 1;
        var text = Encoding.UTF8.GetString(bytes, 0, validBytes);
        var events = new List<RunEvent>();
        long expected = 1;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var decoded = RunJson.DecodeEvent(line, sidecars, $"{path}:{expected}");
            if (decoded.IsFail) return decoded.Map(_ => default(Contents)!);
            var (seq, e) = ((long, RunEvent))decoded;
            if (seq != expected) return FinFail<Contents>(new RunCorrupted(path, $"event {expected} has sequence number {seq}"));
            events.Add(e);
            expected++;
        }
        return new Contents(toSeq(events), validBytes, validBytes < bytes.Length);
    }

    /// <summary>Appends events (caller holds the run lock). Sidecars are written first, so an event never refers to
    /// a sidecar that is not on disk. A torn last line is cut off before appending. Returns the new file length.</summary>
    public static long Append(string runDirectory, Contents current, Seq<RunEvent> events)
    {
        var path = Path.Combine(runDirectory, RunLayout.Events);
        var lines = new StringBuilder();
        var seq = current.Events.Count + 1L;
        foreach (var e in events)
        {
            var (line, sidecars) = RunJson.EncodeEvent(seq++, e);
            Sidecars.Write(runDirectory, sidecars);
            lines.Append(line).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(lines.ToString());
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1);
        if (stream.Length != current.ValidBytes) stream.SetLength(current.ValidBytes);
        stream.Seek(current.ValidBytes, SeekOrigin.Begin);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        return stream.Length;
    }

    /// <summary>The events.jsonl of a run that is being created (in its staging directory).</summary>
    public static long WriteNew(string runDirectory, Seq<RunEvent> events)
    {
        var text = new StringBuilder();
        var seq = 1L;
        foreach (var e in events)
        {
            var (line, sidecars) = RunJson.EncodeEvent(seq++, e);
            Sidecars.Write(runDirectory, sidecars);
            text.Append(line).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.WriteBytes(Path.Combine(runDirectory, RunLayout.Events), bytes);
        return bytes.Length;
    }
}

/// <summary>Sidecar files: content-addressed, written once.</summary>
public static class Sidecars
{
    public static void Write(string runDirectory, Seq<Sidecar> sidecars)
    {
        foreach (var s in sidecars)
        {
            var path = Path.Combine(runDirectory, s.RelativePath);
            if (!File.Exists(path)) AtomicFile.WriteText(path, s.Content);
        }
    }

    /// <summary>All sidecars of a run by hash (a run has a handful at most: feature and column lists).</summary>
    public static Fin<HashMap<string, Seq<string>>> ReadAll(string runDirectory)
    {
        var directory = Path.Combine(runDirectory, RunLayout.Sidecars);
        var result = HashMap<string, Seq<string>>();
        if (!Directory.Exists(directory)) return result;
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith('.')) continue;
            var parsed = Sidecar.Parse(name, File.ReadAllText(file), file);
            if (parsed.IsFail) return parsed.Map(_ => result);
            result = result.AddOrUpdate(name, ((Sidecar)parsed).Items);
        }
        return result;
    }
}
