using LanguageExt.Common;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// Checks the keys of the config sections RunTools reads itself against the keys it knows, so that a misspelt key is
/// an error (<see cref="ConfigKeyUnknown"/>, with the closest known key as a suggestion) instead of a setting silently
/// left at its default. The sections say which keys they take (DataSchema, FoldSpecs, TrainingSpecs); this is the one
/// place that compares and suggests.
/// </summary>
public static class ConfigKeys
{
    /// <summary>
    /// The entries of the map at <paramref name="path"/> as the readers find them: the map's own entries, and the root
    /// keys written with a dot (<c>"training.metric": auc</c>, which <see cref="ConfigPaths.Get"/> also reads) by the
    /// key after the section's path. Absent or null: no entries. Not a map: the error <paramref name="notAMap"/> makes
    /// of the value found.
    /// </summary>
    public static Either<RunError, Seq<ConfigEntry>> Section(ConfigValue root, string path, Func<ConfigValue, RunError> notAMap)
    {
        var dotted = root is ConfigMap top && path.Length > 0
            ? top.Entries.Filter(e => e.Key.Length > path.Length + 1 && e.Key.StartsWith(path + ".", StringComparison.Ordinal)
                                      && !e.Key.AsSpan(path.Length + 1).Contains('.'))
                .Map(e => e with { Key = e.Key[(path.Length + 1)..] })
            : Seq<ConfigEntry>();
        return ConfigPaths.Get(root, path).Filter(v => v is not ConfigNull).Match(
            Some: v => v is ConfigMap map ? Right<RunError, Seq<ConfigEntry>>(map.Entries + dotted) : Left<RunError, Seq<ConfigEntry>>(notAMap(v)),
            None: () => Right<RunError, Seq<ConfigEntry>>(dotted));
    }

    /// <summary>The entries whose key is not one of <paramref name="known"/> (compared exactly: keys are
    /// case-sensitive), in the map's order, each as a <see cref="ConfigKeyUnknown"/> with its full key, the closest
    /// known key (see <see cref="Closest"/>) and the <paramref name="note"/> for it, if any.</summary>
    public static Seq<RunError> Unknown(Seq<ConfigEntry> entries, string path, Seq<string> known, Func<string, string?>? note = null) =>
        entries.Filter(e => !known.Contains(e.Key))
            .Map(e => (RunError)new ConfigKeyUnknown(Sub(path, e.Key), Closest(e.Key, known).Map(k => Sub(path, k)).ToNullable(), known, note?.Invoke(e.Key)));

    /// <summary>
    /// The known key a misspelt key most likely meant: the one at the smallest Damerau–Levenshtein distance (optimal
    /// string alignment, ignoring case and '_' and '-'), the first in <paramref name="known"/>'s order on a tie, and only when that
    /// distance is at most 2 and at most a third of the known key's length (but 1 is always allowed): <c>metirc</c> →
    /// <c>metric</c>, <c>grdi</c> → <c>grid</c>, <c>Label</c> → <c>label</c>; nothing for <c>trees</c> among
    /// <c>l1, l2, iterations</c>.
    /// </summary>
    public static Option<string> Closest(string key, Seq<string> known)
    {
        var close = known.Map(k => (Key: k, Distance: Distance(key, k)))
            .Filter(c => c.Distance <= Math.Min(2, Math.Max(1, c.Key.Length / 3)));
        return close.IsEmpty ? None : Some(close.Fold(close.Head, (best, c) => c.Distance < best.Distance ? c : best).Key);
    }

    /// <summary>The optimal string alignment distance, ignoring case and the separators '_' and '-' (so
    /// <c>smoteK</c> is nearer <c>smote_k</c> than <c>smote</c>): insertions, deletions, substitutions and swaps of
    /// two neighbouring characters each count 1.</summary>
    public static int Distance(string a, string b)
    {
        a = Plain(a);
        b = Plain(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    static string Plain(string key) => key.Replace("_", "").Replace("-", "").ToLowerInvariant();

    /// <summary>Every error at once: none is success, one is that error, several are a <see cref="ManyErrors"/>
    /// (which the module writes as one ErrorRecord each).</summary>
    public static Fin<Unit> Report(Seq<RunError> errors) => errors.Count switch
    {
        0 => FinSucc(unit),
        1 => FinFail<Unit>(errors.Head),
        _ => FinFail<Unit>(new ManyErrors(errors.Map(e => (Error)e))),
    };

    /// <summary>The key of an entry under a path; the empty path is the config's root.</summary>
    public static string Sub(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
