using RunTools.Domain;
using RunTools.Randomness;

namespace RunTools.Evaluation;

/// <summary>
/// One synthetic row: <c>Features = x[Source] + Gap · (x[Neighbour] − x[Source])</c>, computed per coordinate in
/// exactly that form. Source and Neighbour are indices into the feature rows given to
/// <see cref="Smote.Oversample"/>, both of class <see cref="Class"/>, and Neighbour is one of Source's k nearest
/// same-class rows; Gap is uniform in [0, 1). The three numbers are the audit trail of the row.
/// </summary>
public sealed record SmoteSample(int Class, int Source, int Neighbour, double Gap, Seq<double> Features);

/// <summary>What happened to a class.</summary>
public enum SmoteClassStatus
{
    /// <summary>The class already had at least its target count (the largest class always does).</summary>
    AtTarget,
    /// <summary>Synthetic rows were added up to the target.</summary>
    Oversampled,
    /// <summary>The class needed rows but has a single row, which has no neighbour to interpolate towards; it is
    /// returned unchanged (no synthetic rows).</summary>
    SingleRow,
}

/// <summary>
/// One class's plan and outcome: <see cref="Rows"/> given, <see cref="Target"/> = ⌊targetRatio · largest class⌋
/// (the same for every class; a class above it keeps all its rows), <see cref="Synthetic"/> rows created
/// (Target − Rows when oversampled, else 0), and <see cref="Neighbours"/> the k actually used (min(k, Rows − 1);
/// 0 when no rows were created).
/// </summary>
public sealed record SmoteClassSummary(int Class, int Rows, int Target, int Synthetic, int Neighbours, SmoteClassStatus Status);

/// <summary>The synthetic rows (grouped by class in ascending class order) and a summary per class, ascending.</summary>
public sealed record SmoteResult(Seq<SmoteSample> Samples, Seq<SmoteClassSummary> Classes);

/// <summary>
/// SMOTE (Chawla et al. 2002, "SMOTE: Synthetic Minority Over-sampling Technique"), for binary and multiclass data.
/// <para>
/// <b>Training rows only.</b> The function sees exactly the rows it is given and interpolates between them, so a
/// test row passed in would leak into the training set through its neighbours. Callers pass the training rows of
/// one fold — after the split, never before — and append the synthetic rows to that fold's training set only.
/// </para>
/// </summary>
public static class Smote
{
    /// <summary>
    /// Synthetic rows that bring every class up to <c>⌊targetRatio · largest class count⌋</c> rows (rounded with a
    /// 1e-9 tolerance, so 0.29 · 100 is 29). The default ratio 1 balances all classes to the largest; in the binary
    /// case a ratio r makes minority/majority = r after resampling (imbalanced-learn's float sampling_strategy).
    /// A class at or above its target, and so the largest class, gets no synthetic rows.
    /// <para>
    /// For a class of m rows that needs s synthetic rows: as in the paper, every row is used ⌊s/m⌋ times as the
    /// source, and s mod m further sources are drawn without replacement. Each sample draws one of its source's
    /// k' = min(k, m − 1) nearest same-class neighbours (squared Euclidean distance, ties broken by the lower row
    /// index) and a gap uniform in [0, 1). Randomness comes from <see cref="Prng"/> seeded with
    /// <c>Prng.Derive(seed, class)</c>, so each class's rows depend only on the seed, the class and that class's
    /// rows — not on the other classes.
    /// </para>
    /// <para>
    /// Cost: exact nearest neighbours by brute force within a class, computed lazily for rows used as sources:
    /// O(m · d) time per source row, so at most O(m² · d) per class (m = rows of the class, d = features), plus
    /// O(m · k') memory; the majority class costs nothing. For a 100k-row fold with a 10% minority that is about
    /// 10⁸ · d operations: 8,000 synthetic rows from 10,000 minority rows of 20 features took about 6 s on a
    /// 2-core CI machine. Reduce the features first when that matters.
    /// </para>
    /// Errors: <see cref="EvaluationArgumentInvalid"/> (k &lt; 1; targetRatio not in (0, 1]),
    /// <see cref="EvaluationInputEmpty"/>, <see cref="EvaluationLengthMismatch"/> (classOfRow vs features),
    /// <see cref="EvaluationFeatureRowInvalid"/> (a null row, or a row narrower or wider than row 0),
    /// <see cref="EvaluationValueNotFinite"/> (NaN or ±∞ in a feature; impute first).
    /// </summary>
    /// <param name="features">The training rows (row-major, all of the same width). Not modified.</param>
    /// <param name="classOfRow">The class of each row: any int values (0/1 for binary).</param>
    /// <param name="seed">The seed: the same seed and input always give the same output.</param>
    /// <param name="k">Nearest neighbours to choose from (5 in the paper); capped per class at rows − 1.</param>
    /// <param name="targetRatio">Target size of each class relative to the largest, in (0, 1].</param>
    public static Fin<SmoteResult> Oversample(
        double[][] features, ReadOnlySpan<int> classOfRow, ulong seed, int k = 5, double targetRatio = 1.0)
    {
        var error = (k >= 1 ? null : new EvaluationArgumentInvalid("k", k, "at least one neighbour is needed."))
            ?? (targetRatio > 0.0 && targetRatio <= 1.0
                ? null
                : new EvaluationArgumentInvalid("targetRatio", targetRatio, "it must lie in (0, 1]."))
            ?? EvaluationInput.NotEmpty("features", features.Length)
            ?? EvaluationInput.SameLength("classOfRow", features.Length, classOfRow.Length)
            ?? CheckRows(features);
        if (error is not null) return FinFail<SmoteResult>(error);

        // Rows of each class, in ascending row order (class → row indices), classes in ascending order.
        var rowsByClass = new SortedDictionary<int, List<int>>();
        for (var i = 0; i < classOfRow.Length; i++)
        {
            if (!rowsByClass.TryGetValue(classOfRow[i], out var rows)) rowsByClass[classOfRow[i]] = rows = [];
            rows.Add(i);
        }
        var largest = rowsByClass.Values.Max(rows => rows.Count);
        var target = (int)Math.Floor(targetRatio * largest + 1e-9);

        var samples = new List<SmoteSample>();
        var summaries = new List<SmoteClassSummary>(rowsByClass.Count);
        foreach (var (label, rows) in rowsByClass)
        {
            var m = rows.Count;
            if (m >= target)
                summaries.Add(new SmoteClassSummary(label, m, target, 0, 0, SmoteClassStatus.AtTarget));
            else if (m == 1)
                summaries.Add(new SmoteClassSummary(label, m, target, 0, 0, SmoteClassStatus.SingleRow));
            else
            {
                var neighbours = Math.Min(k, m - 1);
                OversampleClass(features, label, rows.ToArray(), target - m, neighbours, seed, samples);
                summaries.Add(new SmoteClassSummary(label, m, target, target - m, neighbours, SmoteClassStatus.Oversampled));
            }
        }
        return new SmoteResult(toSeq(samples), toSeq(summaries));
    }

    static RunError? CheckRows(double[][] features)
    {
        if (features[0] is null) return new EvaluationFeatureRowInvalid(0, "the row is null.");
        var width = features[0].Length;
        for (var r = 0; r < features.Length; r++)
        {
            var row = features[r];
            if (row is null) return new EvaluationFeatureRowInvalid(r, "the row is null.");
            if (row.Length != width)
                return new EvaluationFeatureRowInvalid(r, $"it has {row.Length} features but row 0 has {width}.");
            for (var j = 0; j < row.Length; j++)
                if (!double.IsFinite(row[j])) return new EvaluationValueNotFinite($"features[{r}]", j, row[j]);
        }
        return null;
    }

    static void OversampleClass(
        double[][] features, int label, int[] rows, int synthetic, int k, ulong seed, List<SmoteSample> samples)
    {
        var m = rows.Length;
        var prng = Prng.Create(Prng.Derive(seed, label));
        var neighbours = new NearestNeighbours(features, rows, k);

        var rounds = synthetic / m;
        var extra = synthetic % m;
        for (var round = 0; round < rounds; round++)
            for (var local = 0; local < m; local++)
                samples.Add(Sample(features, label, rows, local, neighbours, prng));
        if (extra > 0)
        {
            var order = prng.Shuffled(Enumerable.Range(0, m));
            for (var e = 0; e < extra; e++)
                samples.Add(Sample(features, label, rows, order[e], neighbours, prng));
        }
    }

    static SmoteSample Sample(double[][] features, int label, int[] rows, int local, NearestNeighbours neighbours, Prng prng)
    {
        var candidates = neighbours.Of(local);
        var neighbourLocal = candidates[prng.NextInt(candidates.Length)];
        var gap = prng.NextDouble();
        var source = features[rows[local]];
        var neighbour = features[rows[neighbourLocal]];
        var point = new double[source.Length];
        for (var j = 0; j < point.Length; j++) point[j] = source[j] + gap * (neighbour[j] - source[j]);
        return new SmoteSample(label, rows[local], rows[neighbourLocal], gap, toSeq(point));
    }

    /// <summary>
    /// Exact k nearest neighbours within one class, computed on first use per row and cached. Neighbours are held as
    /// local indices (positions in the class's ascending row list), so comparing local indices breaks ties by row
    /// index. Each search keeps a sorted buffer of the best k and abandons a distance sum once it exceeds the
    /// current k-th best. Sums run coordinate by coordinate in a fixed order (no SIMD), so distances — and hence
    /// the neighbours chosen — are bit-identical on every platform.
    /// </summary>
    sealed class NearestNeighbours(double[][] features, int[] rows, int k)
    {
        readonly int[] neighbours = new int[rows.Length * k];
        readonly bool[] known = new bool[rows.Length];
        readonly double[] distances = new double[k];

        public ReadOnlySpan<int> Of(int local)
        {
            var found = neighbours.AsSpan(local * k, k);
            if (!known[local])
            {
                Search(features, rows, local, found, distances);
                known[local] = true;
            }
            return found;
        }

        static void Search(double[][] features, int[] rows, int local, Span<int> found, Span<double> best)
        {
            var k = found.Length;
            ReadOnlySpan<double> x = features[rows[local]];
            var count = 0;
            var worst = double.PositiveInfinity;
            for (var other = 0; other < rows.Length; other++)
            {
                if (other == local) continue;
                var y = features[rows[other]].AsSpan(0, x.Length);
                var d = 0.0;
                var j = 0;
                // In blocks of four coordinates, checking the running sum against the k-th best between blocks.
                for (; j + 4 <= x.Length && d <= worst; j += 4)
                {
                    var d0 = x[j] - y[j];
                    var d1 = x[j + 1] - y[j + 1];
                    var d2 = x[j + 2] - y[j + 2];
                    var d3 = x[j + 3] - y[j + 3];
                    d += d0 * d0;
                    d += d1 * d1;
                    d += d2 * d2;
                    d += d3 * d3;
                }
                if (d > worst) continue;
                for (; j < x.Length; j++)
                {
                    var diff = x[j] - y[j];
                    d += diff * diff;
                }
                // Later rows lose ties: a row enters only when strictly nearer than the current k-th.
                if (!(d < worst) && count == k) continue;
                var position = count == k ? k - 1 : count++;
                while (position > 0 && best[position - 1] > d)
                {
                    best[position] = best[position - 1];
                    found[position] = found[position - 1];
                    position--;
                }
                best[position] = d;
                found[position] = other;
                if (count == k) worst = best[k - 1];
            }
        }
    }
}
