using System.Globalization;
using System.Text.Json;
using RunTools.Domain;

namespace RunTools.Shell.Store;

/// <summary>A run a reference resolved to.</summary>
/// <param name="By">How the reference named it; null when it was the run's directory path.</param>
/// <param name="Matching">How many runs the reference matched (more than one: a shared key, and this is the latest).</param>
public sealed record ResolvedRun(string Path, string Name, RunMatchKind? By, int Matching);

/// <summary>
/// The one run-name resolver: what a user gives for a run (a path, a directory name, a key, an id or its leading
/// characters) to the run directories it names. A path to a run directory is taken as it is; anything else that can be
/// a name is resolved under one runs root by <see cref="RunLookup"/>, over a listing of the root read once per
/// resolver (a cmdlet keeps one per root for its whole pipeline).
/// </summary>
public sealed class RunResolver(string root)
{
    readonly Lazy<Seq<RunEntry>> runs = new(() => RunListing.Of(root));

    public string Root => root;

    /// <summary>How every cmdlet names a run in ShouldProcess (-WhatIf, -Confirm): its name, then its directory.</summary>
    public static string Target(string runPath) => $"{Path.GetFileName(runPath)} ({runPath})";

    /// <summary>The runs root in scope, as given (relative paths are read against the caller's location): the
    /// <c>-Root</c> given, else <c>$env:RUNTOOLS_ROOT</c>, else <c>runs</c>. Cmdlets and completers both ask here.</summary>
    public static string RootIn(string? given) =>
        given is { Length: > 0 } ? given
        : Environment.GetEnvironmentVariable("RUNTOOLS_ROOT") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : "runs";

    /// <param name="reference">What was given.</param>
    /// <param name="fullPath">The reference read as a path (against the caller's location); null when it cannot be one.</param>
    /// <param name="all">A key names every run with it (oldest first), not only the latest.</param>
    public Fin<Seq<ResolvedRun>> Resolve(string reference, string? fullPath, bool all)
    {
        if (fullPath is not null && Directory.Exists(fullPath) && RunStore.IsRun(fullPath))
            return Seq1(new ResolvedRun(fullPath, Path.GetFileName(fullPath), null, 1));
        if (!RunLookup.IsName(reference))
        {
            // Only a path: suggest runs beside where it points.
            var parent = fullPath is null ? null : Path.GetDirectoryName(fullPath);
            var near = parent is not null && Directory.Exists(parent) ? RunLookup.NearMatches(reference, RunListing.Of(parent)) : Seq<string>();
            return FinFail<Seq<ResolvedRun>>(new RunNotFound(fullPath ?? reference, null, near));
        }
        // A directory name needs no listing.
        var direct = Path.Combine(root, reference);
        if (!all && Directory.Exists(direct) && RunStore.IsRun(direct) && Path.GetFileName(direct) == reference)
            return Seq1(new ResolvedRun(direct, reference, RunMatchKind.Name, 1));
        return all
            ? RunLookup.ResolveAll(reference, runs.Value, root).Map(found => found.Map(r => new ResolvedRun(r.Path, r.Name, null, found.Count)))
            : RunLookup.Resolve(reference, runs.Value, root).Map(m => Seq1(new ResolvedRun(m.Run.Path, m.Run.Name, m.By, m.Matching)));
    }
}

/// <summary>The runs under a root with what a reference may name them by, read cheaply: the identity (id, key,
/// creation time) is at the head of run.json and never changes, so the first few KB are parsed; a run whose run.json
/// is missing or does not read is read in full (its log replayed); a run that does not read at all is listed by its
/// directory name only.</summary>
public static class RunListing
{
    const int HeadBytes = 8192;

    public static Seq<RunEntry> Of(string root) => RunStore.List(root).Map(Entry).Strict();

    public static RunEntry Entry(string directory)
    {
        var name = Path.GetFileName(directory);
        if (Head(Path.Combine(directory, RunLayout.Manifest)) is { } head) return new RunEntry(name, directory, head.Key, head.Id, head.CreatedAt);
        try
        {
            return RunStore.Read(directory).Match(
                Succ: m => new RunEntry(name, directory, m.Key, m.RunId, m.CreatedAt),
                Fail: _ => new RunEntry(name, directory, null, null, null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RunEntry(name, directory, null, null, null);
        }
    }

    /// <summary>run_id, key and created_at from the top level of run.json's first bytes; null when they are not all there.</summary>
    static (string Key, Guid Id, DateTimeOffset CreatedAt)? Head(string manifest)
    {
        try
        {
            using var stream = new FileStream(manifest, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[HeadBytes];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, read), isFinalBlock: read < buffer.Length, default);
            string? key = null;
            Guid? id = null;
            DateTimeOffset? created = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var property = reader.GetString();
                if (!reader.Read()) return null;
                switch (property)
                {
                    case "run_id" when reader.TokenType == JsonTokenType.String && Guid.TryParse(reader.GetString(), out var g):
                        id = g;
                        break;
                    case "key" when reader.TokenType == JsonTokenType.String:
                        key = reader.GetString();
                        break;
                    case "created_at" when reader.TokenType == JsonTokenType.String
                                           && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t):
                        created = t;
                        break;
                    default:
                        if (!reader.TrySkip()) return null;
                        break;
                }
                if (key is not null && id is not null && created is not null) return (key, id.Value, created.Value);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
