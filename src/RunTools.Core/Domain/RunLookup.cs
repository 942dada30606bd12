using System.Text.RegularExpressions;

namespace RunTools.Domain;

/// <summary>One run under a root, as a listing sees it: its directory name and path and, when its manifest could be
/// read, its key, id and creation time.</summary>
public sealed record RunEntry(string Name, string Path, string? Key, Guid? Id, DateTimeOffset? CreatedAt);

/// <summary>How a reference named its run.</summary>
public enum RunMatchKind
{
    Name,
    Key,
    Id,
    IdPrefix,
}

/// <summary>The run a reference names.</summary>
/// <param name="Matching">How many runs the reference matched: more than one when a key (or a copied id) is shared,
/// and then <paramref name="Run"/> is the latest of them.</param>
public sealed record RunMatch(RunEntry Run, RunMatchKind By, int Matching);

/// <summary>
/// What a user types for a run, resolved against a listing of the runs under a root. The rule, in order: a run's
/// directory name; a key (the latest run with it, saying how many matched); an id; the leading characters of an id
/// (at least <see cref="MinIdPrefix"/>, and only one run's); otherwise <see cref="RunNotFound"/> with the names and keys
/// closest to what was typed. Paths are the shell's business: they are tried before names, against the file system.
/// </summary>
public static partial class RunLookup
{
    /// <summary>The fewest leading characters of an id that name a run (as git asks of a commit hash).</summary>
    public const int MinIdPrefix = 4;

    /// <summary>The most near matches a <see cref="RunNotFound"/> suggests.</summary>
    public const int MostNearMatches = 3;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[0-9A-Fa-f][0-9A-Fa-f-]*\z")]
    private static partial Regex IdPrefixPattern();

    /// <summary>Whether the text can be a run's name, key or id (else it can only be a path): letters, digits, '.',
    /// '_' and '-' starting with a letter or digit, or a Guid in any of its written forms.</summary>
    public static bool IsName(string text) => NamePattern().IsMatch(text) || Guid.TryParse(text, out _);

    /// <summary>The run a reference names (see the class summary for the rule).</summary>
    /// <param name="root">The root the runs were listed from, for the error message.</param>
    public static Fin<RunMatch> Resolve(string reference, Seq<RunEntry> runs, string? root)
    {
        var byName = runs.Filter(r => Same(r.Name, reference));
        if (!byName.IsEmpty)
            return new RunMatch(byName.Find(r => r.Name == reference).IfNone(() => Latest(byName)), RunMatchKind.Name, 1);

        var byKey = runs.Filter(r => r.Key is not null && Same(r.Key, reference));
        if (!byKey.IsEmpty) return new RunMatch(Latest(byKey), RunMatchKind.Key, byKey.Count);

        if (Guid.TryParse(reference, out var id))
        {
            var byId = runs.Filter(r => r.Id == id);
            if (!byId.IsEmpty) return new RunMatch(Latest(byId), RunMatchKind.Id, byId.Count);
        }

        if (reference.Length >= MinIdPrefix && IdPrefixPattern().IsMatch(reference))
        {
            var byPrefix = runs.Filter(r => r.Id is { } i && i.ToString("D").StartsWith(reference, StringComparison.OrdinalIgnoreCase));
            var ids = byPrefix.Map(r => r.Id).Distinct();
            if (ids.Count > 1) return FinFail<RunMatch>(new RunIdAmbiguous(reference, Oldest(byPrefix).Map(r => r.Name)));
            if (!byPrefix.IsEmpty) return new RunMatch(Latest(byPrefix), RunMatchKind.IdPrefix, byPrefix.Count);
        }

        return FinFail<RunMatch>(new RunNotFound(reference, root, NearMatches(reference, runs)));
    }

    /// <summary>As <see cref="Resolve"/>, except that a key names every run with it (oldest first): for cmdlets that
    /// take many runs and are asked for all of them (-All).</summary>
    public static Fin<Seq<RunEntry>> ResolveAll(string reference, Seq<RunEntry> runs, string? root) =>
        Resolve(reference, runs, root).Map(m => m.By == RunMatchKind.Key
            ? Oldest(runs.Filter(r => r.Key is not null && Same(r.Key, reference)))
            : Seq1(m.Run));

    /// <summary>Up to <see cref="MostNearMatches"/> names or keys of runs that look like the reference (its last path
    /// segment, when it is a path): first those a few edits away, nearest first, then those that begin with it, contain
    /// it or that it begins with. One suggestion per run (its key or its name, whichever is nearer), each text once.</summary>
    public static Seq<string> NearMatches(string reference, Seq<RunEntry> runs)
    {
        var leaf = reference.TrimEnd('/', '\\');
        leaf = leaf[(leaf.LastIndexOfAny(['/', '\\']) + 1)..];
        if (leaf.Length == 0) return Seq<string>();
        var most = Math.Max(2, leaf.Length / 3);
        return toSeq(runs
            .Select(r => new[] { r.Key, r.Name }
                .Where(c => c is not null)
                .Select(c => (Text: c!, Score: Score(leaf, c!, most)))
                .Where(c => c.Score is not null)
                .OrderBy(c => c.Score)
                .FirstOrDefault())
            .Where(c => c.Text is not null)
            .OrderBy(c => c.Score)
            .ThenBy(c => c.Text, StringComparer.Ordinal)
            .Select(c => c.Text)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MostNearMatches)
            .ToArray());
    }

    /// <summary>How near a candidate is: (0, edits) when a few edits away, (1, length difference) when one contains the
    /// other; null when it is not near.</summary>
    static (int Tier, int Distance)? Score(string typed, string candidate, int most)
    {
        var edits = EditDistance(typed, candidate, most);
        if (edits <= most) return (0, edits);
        var contained = typed.Length >= 3 && candidate.Contains(typed, StringComparison.OrdinalIgnoreCase)
            || candidate.Length >= 3 && typed.Contains(candidate, StringComparison.OrdinalIgnoreCase);
        return contained ? (1, Math.Abs(candidate.Length - typed.Length)) : null;
    }

    /// <summary>The optimal string alignment distance (insertions, deletions, substitutions and swaps of two
    /// neighbours), ignoring case; any distance above <paramref name="cap"/> is reported as cap + 1.</summary>
    public static int EditDistance(string a, string b, int cap = int.MaxValue - 1)
    {
        if (Math.Abs(a.Length - b.Length) > cap) return cap + 1;
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var d = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = Math.Min(d, previous2[j - 2] + 1);
                current[j] = d;
                rowMin = Math.Min(rowMin, d);
            }
            if (rowMin > cap) return cap + 1;
            (previous2, previous, current) = (previous, current, previous2);
        }
        return Math.Min(previous[b.Length], cap + 1);
    }

    static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Creation time, then directory name: a run whose manifest did not read sorts first.</summary>
    static Seq<RunEntry> Oldest(Seq<RunEntry> runs) =>
        toSeq(runs.OrderBy(r => r.CreatedAt ?? DateTimeOffset.MinValue).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray());

    static RunEntry Latest(Seq<RunEntry> runs) => Oldest(runs).Last;
}
