using System.Globalization;
using RunTools.Domain;

namespace RunTools.Bundles;

/// <summary>
/// The names and kinds of a bundle's zip entries. A bundle holds <c>bundle.json</c> and plain files at
/// <c>runs/&lt;run directory name&gt;/&lt;path inside the run&gt;</c> with '/' separators, nothing else: every name is
/// checked before anything is extracted, so that no entry can write outside its run or be anything but a file.
/// </summary>
public static class BundleEntries
{
    public const string ManifestEntry = "bundle.json";
    public const string RunsFolder = "runs";

    public static string EntryName(string run, string path) => $"{RunsFolder}/{run}/{path}";

    /// <summary>A run file's entry name split into the run and the path inside it; BundleEntryUnsafe naming the entry
    /// when the name is absolute, has a drive letter, a backslash, ':', a control character, an empty, '.' or '..'
    /// segment, lies outside <c>runs/&lt;run&gt;/</c>, or names a lock, heartbeat or temporary file.</summary>
    public static Fin<(string Run, string Path)> Parse(string entry)
    {
        if (Problem(entry) is { } problem) return Unsafe(entry, problem);
        var segments = entry.Split('/');
        if (segments.Length < 3 || segments[0] != RunsFolder)
            return Unsafe(entry, $"it is neither {ManifestEntry} nor a file under {RunsFolder}/<run>/");
        var run = segments[1];
        if (run.StartsWith('.')) return Unsafe(entry, $"the run name '{run}' is hidden (starts with '.')");
        var path = string.Join('/', segments[2..]);
        if (RunLayout.IsVolatile(path) || RunLayout.IsTemp(segments[^1]))
            return Unsafe(entry, "it is a lock, lock ticket, heartbeat or temporary file, which a bundle never holds");
        return (run, path);
    }

    /// <summary>What makes a name unsafe as a relative path on any platform, or null.</summary>
    static string? Problem(string name)
    {
        if (name.Length == 0) return "the name is empty";
        foreach (var c in name)
            if (char.IsControl(c)) return string.Create(CultureInfo.InvariantCulture, $"the name has a control character (U+{(int)c:X4})");
        if (name.Contains('\\')) return "the name has a backslash (entries use '/')";
        if (name.StartsWith('/')) return "the name is an absolute path";
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':') return "the name starts with a drive letter";
        if (name.Contains(':')) return "the name has a ':' (a drive or an alternate data stream on Windows)";
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0) return "the name has an empty segment ('//' or a trailing '/')";
            if (segment is "." or "..") return $"the name has a '{segment}' segment";
        }
        return null;
    }

    /// <summary>A zip entry's kind from its external attributes: only a plain file is accepted (the Unix file type in
    /// the upper 16 bits regular or not given, and no MS-DOS directory or reparse-point bit).</summary>
    public static Fin<Unit> CheckKind(string entry, uint externalAttributes)
    {
        var type = (externalAttributes >> 16) & 0xF000;
        var kind = type switch
        {
            0 or 0x8000 => null,
            0xA000 => "a symbolic link",
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => string.Create(CultureInfo.InvariantCulture, $"of an unknown file type (0x{type:X4})"),
        };
        if (kind is null && (externalAttributes & 0x10) != 0) kind = "a directory";
        if (kind is null && (externalAttributes & 0x400) != 0) kind = "a reparse point (link)";
        return kind is null ? unit : Unsafe(entry, $"it is {kind}; a bundle holds only plain files").Map(_ => unit);
    }

    static Fin<(string, string)> Unsafe(string entry, string detail) => FinFail<(string, string)>(new BundleEntryUnsafe(entry, detail));
}
