using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace RunTools.Folds;

/// <summary>
/// A fold plan: which rows train and which are held out in every fold (see <see cref="Fold"/>), for the row keys
/// it was planned over. Made by <see cref="FoldPlanner.Plan"/>; equal plans are equal records.
/// </summary>
public sealed record FoldPlan(FoldSpec Spec, Seq<string> RowKeys, Seq<Fold> Folds)
{
    /// <summary>The plan as a table: for each fold in plan order, each of its rows in row order with its role —
    /// Train, Test (held rows of an outer fold) or Validation (held rows of an inner fold). Rows in neither set of a
    /// fold (walk-forward gaps) are not listed.</summary>
    public IEnumerable<FoldPlanRow> Rows()
    {
        foreach (var fold in Folds)
        {
            var heldRole = fold.IsInner ? FoldRole.Validation : FoldRole.Test;
            foreach (var (row, held) in Merge(fold))
                yield return new FoldPlanRow(fold.Repeat, fold.Outer, fold.Inner, row, RowKeys[row], held ? heldRole : FoldRole.Train);
        }
    }

    /// <summary>A fold's training and held rows merged into row order (both are ascending).</summary>
    internal static IEnumerable<(int Row, bool Held)> Merge(Fold fold)
    {
        var train = fold.Train.ToArray();
        var held = fold.Held.ToArray();
        int t = 0, h = 0;
        while (t < train.Length || h < held.Length)
            if (h == held.Length || (t < train.Length && train[t] < held[h]))
                yield return (train[t++], false);
            else
                yield return (held[h++], true);
    }

    private static readonly ConditionalWeakTable<FoldPlan, string> Hashes = new();

    /// <summary>
    /// Lowercase hex SHA-256 of the UTF-8 text <see cref="CanonicalText"/> writes: independent of any file format,
    /// so the same plan has the same hash however it is stored. Computed once per instance.
    /// </summary>
    public string ContentHash => Hashes.GetValue(this, plan => plan.Hash());

    /// <summary>
    /// The text the content hash is taken of, line by line ('\n' after each): <c>runtools-fold-plan 1</c>; the spec
    /// as <see cref="FoldSpecs.Canonical"/> writes it; then one line per <see cref="Rows"/> entry, in order:
    /// repeat, outer fold, inner fold, role (train, test, validation) and row key, separated by tabs, with
    /// backslash, tab, line feed and carriage return in keys written as \\, \t, \n and \r.
    /// </summary>
    public IEnumerable<string> CanonicalText()
    {
        yield return "runtools-fold-plan 1";
        yield return FoldSpecs.Canonical(Spec);
        var c = CultureInfo.InvariantCulture;
        var keys = RowKeys.Map(Escape).ToArray();
        foreach (var fold in Folds)
        {
            var prefix = string.Create(c, $"{fold.Repeat}\t{fold.Outer}\t{fold.Inner}\t");
            var heldRole = fold.IsInner ? "validation\t" : "test\t";
            foreach (var (row, held) in Merge(fold))
                yield return prefix + (held ? heldRole : "train\t") + keys[row];
        }
    }

    private static string Escape(string key) =>
        key.AsSpan().IndexOfAny("\\\t\n\r") < 0
            ? key
            : key.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    /// <summary>The same bytes as <see cref="CanonicalText"/>, without a string per line.</summary>
    private string Hash()
    {
        using var hash = new HashWriter();
        var utf8 = Encoding.UTF8;
        hash.Put(utf8.GetBytes("runtools-fold-plan 1\n" + FoldSpecs.Canonical(Spec) + "\n"));
        var keys = RowKeys.Map(k => utf8.GetBytes(Escape(k) + "\n")).ToArray();
        byte[] train = utf8.GetBytes("train\t"), test = utf8.GetBytes("test\t"), validation = utf8.GetBytes("validation\t");
        foreach (var fold in Folds)
        {
            var prefix = utf8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{fold.Repeat}\t{fold.Outer}\t{fold.Inner}\t"));
            var heldRole = fold.IsInner ? validation : test;
            foreach (var (row, held) in Merge(fold))
            {
                hash.Put(prefix);
                hash.Put(held ? heldRole : train);
                hash.Put(keys[row]);
            }
        }
        return hash.Hex();
    }

    private sealed class HashWriter : IDisposable
    {
        private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] buffer = new byte[1 << 16];
        private int used;

        public void Put(byte[] bytes)
        {
            if (used + bytes.Length > buffer.Length)
            {
                sha.AppendData(buffer, 0, used);
                used = 0;
                if (bytes.Length > buffer.Length)
                {
                    sha.AppendData(bytes);
                    return;
                }
            }
            bytes.CopyTo(buffer, used);
            used += bytes.Length;
        }

        public string Hex()
        {
            sha.AppendData(buffer, 0, used);
            used = 0;
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }

        public void Dispose() => sha.Dispose();
    }

    /// <summary>Counts per fold and role, per class, per group and time range; see <see cref="FoldSummary"/>.
    /// <paramref name="data"/> must be the data the plan was made from (same row keys, in order).</summary>
    /// <exception cref="ArgumentException">The row keys of <paramref name="data"/> are not the plan's.</exception>
    public FoldSummary Summary(FoldData data) => FoldSummaries.Of(this, data);

    /// <summary>The outer folds of a repeat, in fold order (empty when there is no such repeat).</summary>
    public Seq<Fold> Outer(int repeat) => Folds.Filter(f => f.Repeat == repeat && f.Outer >= 0 && f.Inner < 0);

    /// <summary>The production fold (all rows train), when the spec asks for one.</summary>
    public Option<Fold> Production() => Folds.Find(f => f.Outer < 0 && f.Inner < 0);

    /// <summary>The inner folds of outer fold <paramref name="outer"/> in a repeat; of the production fold for
    /// outer -1 (repeat 0).</summary>
    public Seq<Fold> InnerOf(int repeat, int outer) => Folds.Filter(f => f.Repeat == repeat && f.Outer == outer && f.Inner >= 0);
}
