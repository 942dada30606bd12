using System.Globalization;
using RunTools.Randomness;

namespace RunTools.Folds;

/// <summary>Which rows are being split, for error messages: the config section whose settings apply (folds or
/// folds.inner) and a description of the rows.</summary>
internal sealed record FoldScope(string Section, string Where)
{
    public static readonly FoldScope Outer = new("folds", "the data");

    public static FoldScope InnerOf(int repeat, int outer) =>
        new("folds.inner", outer < 0 ? "all rows (the production fold)" : $"the training rows of outer fold {outer} (repeat {repeat})");

    public string FoldsKey => $"{Section}.k";
}

/// <summary>One split of a set of rows: training and held-out rows, as ascending row indices.</summary>
internal readonly record struct FoldSplit(int[] Train, int[] Held);

/// <summary>
/// The splitting algorithms. Each takes the rows to split (ascending row indices), returns k splits in fold order,
/// and uses randomness only from a <see cref="Prng"/> seeded with the seed it is given, consumed in a fixed order,
/// so a seed gives the same folds everywhere. Arrays are local to a call and never shared once returned.
/// </summary>
internal static class FoldSplits
{
    public static Fin<FoldSplit[]> Split(FoldSpec spec, int[] rows, ulong seed, FoldScope scope, FoldColumns data)
    {
        var k = spec.Folds;
        if (spec.Kind != FoldKind.WalkForward && rows.Length < k)
            return FinFail<FoldSplit[]>(new TooFewRows(rows.Length, k, scope.FoldsKey, scope.Where));
        var random = Prng.Create(seed);
        return spec.Kind switch
        {
            FoldKind.KFold => Partition(rows, KFold(rows.Length, k, spec.Shuffle, random), k),
            FoldKind.Stratified => Stratified(rows, k, spec.Shuffle, random, data, scope).Map(f => Partition(rows, f, k)),
            FoldKind.Group => Group(rows, k, spec.Shuffle, random, data, scope).Map(f => Partition(rows, f, k)),
            FoldKind.StratifiedGroup => StratifiedGroup(rows, k, spec.Shuffle, random, data, scope).Map(f => Partition(rows, f, k)),
            FoldKind.WalkForward => WalkForward(rows, k, spec.WalkForward ?? WalkForwardSpec.Default, data, scope),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown fold kind"),
        };
    }

    /// <summary>Held rows of fold f = the rows whose position has fold f; training rows = all the others.</summary>
    private static FoldSplit[] Partition(int[] rows, int[] foldOf, int k)
    {
        var sizes = new int[k];
        foreach (var f in foldOf) sizes[f]++;
        var held = sizes.Select(s => new int[s]).ToArray();
        var filled = new int[k];
        for (var p = 0; p < rows.Length; p++)
        {
            var f = foldOf[p];
            held[f][filled[f]++] = rows[p];
        }
        var splits = new FoldSplit[k];
        for (var f = 0; f < k; f++)
        {
            var train = new int[rows.Length - sizes[f]];
            var t = 0;
            for (var p = 0; p < rows.Length; p++)
                if (foldOf[p] != f) train[t++] = rows[p];
            splits[f] = new FoldSplit(train, held[f]);
        }
        return splits;
    }

    private static int[] Positions(int n, bool shuffle, Prng random) =>
        shuffle ? random.Shuffled(Enumerable.Range(0, n)) : Enumerable.Range(0, n).ToArray();

    // ---- kfold ----------------------------------------------------------------------------------------------

    /// <summary>Positions (shuffled when asked) cut into k contiguous parts; the first n mod k parts have one more.</summary>
    private static int[] KFold(int n, int k, bool shuffle, Prng random)
    {
        var order = Positions(n, shuffle, random);
        var foldOf = new int[n];
        int size = n / k, extra = n % k, next = 0;
        for (var f = 0; f < k; f++)
            for (var j = 0; j < size + (f < extra ? 1 : 0); j++)
                foldOf[order[next++]] = f;
        return foldOf;
    }

    // ---- stratified -----------------------------------------------------------------------------------------

    /// <summary>Classes in ordinal order of their label; each class's rows (in row order, shuffled when asked)
    /// dealt round-robin starting at the fold with the fewest rows so far (lowest index on ties). Every fold gets
    /// floor(n_c/k) or ceil(n_c/k) rows of class c, and fold sizes differ by at most one.</summary>
    private static Fin<int[]> Stratified(int[] rows, int k, bool shuffle, Prng random, FoldColumns data, FoldScope scope)
    {
        var byClass = Buckets(rows, data.ClassOf!, data.Classes.Length);
        var small = byClass.Select((members, c) => (members, c)).FirstOrDefault(x => x.members.Count > 0 && x.members.Count < k);
        if (small.members is not null)
            return FinFail<int[]>(new ClassTooSmall(data.Classes[small.c], small.members.Count, k, scope.FoldsKey, scope.Where));
        var foldOf = new int[rows.Length];
        var sizes = new int[k];
        foreach (var members in byClass.Where(m => m.Count > 0))
        {
            var order = shuffle ? random.Shuffled(members) : members.ToArray();
            var start = ArgMin(sizes);
            for (var j = 0; j < order.Length; j++)
            {
                var f = (start + j) % k;
                foldOf[order[j]] = f;
                sizes[f]++;
            }
        }
        return foldOf;
    }

    /// <summary>Positions of the rows bucketed by id, each bucket in row order.</summary>
    private static List<int>[] Buckets(int[] rows, int[] idOf, int ids)
    {
        var buckets = new List<int>[ids];
        for (var i = 0; i < ids; i++) buckets[i] = [];
        for (var p = 0; p < rows.Length; p++) buckets[idOf[rows[p]]].Add(p);
        return buckets;
    }

    private static int ArgMin(int[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] < values[best]) best = i;
        return best;
    }

    // ---- group ----------------------------------------------------------------------------------------------

    /// <summary>The groups present, in ordinal order of their id (then shuffled when asked), stably sorted by size
    /// descending — so equal-sized groups keep the shuffled order — each put in the fold with the fewest rows so
    /// far (lowest index on ties).</summary>
    private static Fin<int[]> Group(int[] rows, int k, bool shuffle, Prng random, FoldColumns data, FoldScope scope)
    {
        var groupOf = data.GroupOf!;
        var size = new int[data.GroupCount];
        foreach (var r in rows) size[groupOf[r]]++;
        var present = Present(size);
        if (present.Length < k)
            return FinFail<int[]>(new TooFewGroups(present.Length, k, scope.FoldsKey, scope.Where));
        var order = (shuffle ? random.Shuffled(present) : present).OrderByDescending(g => size[g]).ToArray();
        // priority rows·k + fold: fewest rows first, then lowest fold
        var folds = new PriorityQueue<int, long>(k);
        for (var f = 0; f < k; f++) folds.Enqueue(f, f);
        var foldOfGroup = new int[data.GroupCount];
        foreach (var g in order)
        {
            folds.TryDequeue(out var f, out var priority);
            foldOfGroup[g] = f;
            folds.Enqueue(f, priority + (long)size[g] * k);
        }
        return ByGroup(rows, groupOf, foldOfGroup);
    }

    /// <summary>The ids with a non-zero count, ascending.</summary>
    private static int[] Present(int[] counts)
    {
        var present = new List<int>();
        for (var id = 0; id < counts.Length; id++)
            if (counts[id] > 0) present.Add(id);
        return present.ToArray();
    }

    private static int[] ByGroup(int[] rows, int[] groupOf, int[] foldOfGroup)
    {
        var foldOf = new int[rows.Length];
        for (var p = 0; p < rows.Length; p++) foldOf[p] = foldOfGroup[groupOf[rows[p]]];
        return foldOf;
    }

    // ---- stratified group -----------------------------------------------------------------------------------

    /// <summary>
    /// Like scikit-learn's StratifiedGroupKFold. The groups present, in ordinal order of their id (then shuffled
    /// when asked), stably sorted by the spread (standard deviation) of their class counts, descending. Each group
    /// goes to the fold that, with the group added, gives the smallest mean over classes of the standard deviation
    /// across folds of the class's fold proportions (fold count / class total); a candidate within numpy's isclose
    /// (1e-8 + 1e-5 × best) of the best so far wins only with fewer rows; remaining ties go to the lowest index.
    /// Variances are computed exactly in integers, so an empty fold is never worse than a non-empty one and every
    /// fold gets a group when there are at least k.
    /// </summary>
    private static Fin<int[]> StratifiedGroup(int[] rows, int k, bool shuffle, Prng random, FoldColumns data, FoldScope scope)
    {
        var groupOf = data.GroupOf!;
        var classOf = data.ClassOf!;
        var size = new int[data.GroupCount];
        foreach (var r in rows) size[groupOf[r]]++;
        var present = Present(size);
        if (present.Length < k)
            return FinFail<int[]>(new TooFewGroups(present.Length, k, scope.FoldsKey, scope.Where));

        // the classes present, numbered 0..C-1 in ordinal order, and their totals
        var local = new int[data.Classes.Length];
        foreach (var r in rows) local[classOf[r]] = 1;
        var classes = 0;
        for (var c = 0; c < local.Length; c++) local[c] = local[c] == 1 ? classes++ : -1;
        var total = new long[classes];
        foreach (var r in rows) total[local[classOf[r]]]++;

        // each group's class counts, sparse: entries [start[g], start[g + 1]) of entryClass / entryCount, by class
        var slot = new int[data.GroupCount];
        for (var i = 0; i < present.Length; i++) slot[present[i]] = i;
        var offset = new int[present.Length + 1];
        foreach (var r in rows) offset[slot[groupOf[r]] + 1]++;
        for (var i = 0; i < present.Length; i++) offset[i + 1] += offset[i];
        var byGroup = new int[rows.Length];
        var next = (int[])offset.Clone();
        foreach (var r in rows) byGroup[next[slot[groupOf[r]]]++] = local[classOf[r]];
        var start = new int[present.Length + 1];
        var entryClass = new List<int>();
        var entryCount = new List<long>();
        var scratch = new long[classes];
        for (var i = 0; i < present.Length; i++)
        {
            var first = entryClass.Count;
            for (var j = offset[i]; j < offset[i + 1]; j++)
                if (scratch[byGroup[j]]++ == 0) entryClass.Add(byGroup[j]);
            entryClass.Sort(first, entryClass.Count - first, null);
            for (var e = first; e < entryClass.Count; e++)
            {
                entryCount.Add(scratch[entryClass[e]]);
                scratch[entryClass[e]] = 0;
            }
            start[i + 1] = entryClass.Count;
        }
        var cls = entryClass.ToArray();
        var cnt = entryCount.ToArray();

        // C·Σx² − (Σx)² orders groups exactly as the standard deviation of their class counts does
        var spread = new Int128[present.Length];
        for (var i = 0; i < present.Length; i++)
        {
            Int128 sum = 0, squares = 0;
            for (var e = start[i]; e < start[i + 1]; e++)
            {
                sum += cnt[e];
                squares += (Int128)cnt[e] * cnt[e];
            }
            spread[i] = classes * squares - sum * sum;
        }
        var order = (shuffle ? random.Shuffled(Enumerable.Range(0, present.Length)) : Enumerable.Range(0, present.Length).ToArray())
            .OrderByDescending(i => spread[i]).ToArray();

        // per class: Σ over folds of counts and of squared counts, so a fold's variance is exact: k·Q − A²
        var wide = (Int128)k * total.Max() * total.Max() >= long.MaxValue;
        double Std(long squares, long sum, int c) =>
            (wide ? Math.Sqrt((double)((Int128)k * squares - (Int128)sum * sum)) : Math.Sqrt(k * squares - sum * sum)) / ((double)k * total[c]);
        var foldCount = new long[k * classes];
        var assigned = new long[classes];
        var squaresOf = new long[classes];
        var std = new double[classes];
        var foldRows = new long[k];
        var stdSum = 0.0;
        var foldOfSlot = new int[present.Length];
        foreach (var i in order)
        {
            var best = -1;
            var bestEval = double.PositiveInfinity;
            var bestRows = long.MaxValue;
            for (var f = 0; f < k; f++)
            {
                var s = stdSum;
                for (var e = start[i]; e < start[i + 1]; e++)
                {
                    int c = cls[e];
                    long x = cnt[e], now = foldCount[f * classes + c];
                    s += Std(squaresOf[c] + 2 * now * x + x * x, assigned[c] + x, c) - std[c];
                }
                var eval = s / classes;
                if (best < 0 || eval < bestEval || (Math.Abs(eval - bestEval) <= 1e-8 + 1e-5 * Math.Abs(bestEval) && foldRows[f] < bestRows))
                {
                    best = f;
                    bestEval = eval;
                    bestRows = foldRows[f];
                }
            }
            foldOfSlot[i] = best;
            for (var e = start[i]; e < start[i + 1]; e++)
            {
                int c = cls[e];
                long x = cnt[e], now = foldCount[best * classes + c];
                squaresOf[c] += 2 * now * x + x * x;
                assigned[c] += x;
                foldCount[best * classes + c] = now + x;
                foldRows[best] += x;
                var updated = Std(squaresOf[c], assigned[c], c);
                stdSum += updated - std[c];
                std[c] = updated;
            }
        }
        var foldOfGroup = new int[data.GroupCount];
        for (var i = 0; i < present.Length; i++) foldOfGroup[present[i]] = foldOfSlot[i];
        return ByGroup(rows, groupOf, foldOfGroup);
    }

    // ---- walk-forward ---------------------------------------------------------------------------------------

    /// <summary>
    /// On the m distinct times of the rows (ascending, numbered 0..m-1), with horizon h (default m / (k + 1)):
    /// test window i (0-based) is points [m − (k − i)·h, m − (k − i − 1)·h); training is points
    /// [0, start − gap) for an expanding window or the last train_size of those for a sliding one. Rows with equal
    /// time share a point, so they are never split; rows in the gap (and before a sliding window) are in neither set.
    /// </summary>
    private static Fin<FoldSplit[]> WalkForward(int[] rows, int k, WalkForwardSpec wf, FoldColumns data, FoldScope scope)
    {
        var rank = data.TimeRank!;
        var present = new bool[data.TimePoints.Length];
        foreach (var r in rows) present[rank[r]] = true;
        var pointOf = new int[present.Length];
        var m = 0;
        for (var t = 0; t < present.Length; t++)
            if (present[t]) pointOf[t] = m++;

        var minTrain = Math.Max(1, wf.MinTrain);
        var horizon = wf.Horizon ?? (int)(m / (k + 1L));
        var firstTrain = (long)m - (long)k * horizon - wf.Gap;
        if (horizon < 1 || firstTrain < minTrain)
            return FinFail<FoldSplit[]>(TooFew(m, k, wf, minTrain, horizon, scope));

        var point = rows.Select(r => pointOf[rank[r]]).ToArray();
        var splits = new FoldSplit[k];
        for (var i = 0; i < k; i++)
        {
            int testStart = m - (k - i) * horizon, testEnd = testStart + horizon;
            var trainEnd = testStart - wf.Gap;
            var trainStart = wf.Window == WindowKind.Sliding ? Math.Max(0, trainEnd - wf.TrainSize!.Value) : 0;
            var train = new List<int>();
            var held = new List<int>();
            for (var p = 0; p < rows.Length; p++)
            {
                var t = point[p];
                if (t >= testStart && t < testEnd) held.Add(rows[p]);
                else if (t >= trainStart && t < trainEnd) train.Add(rows[p]);
            }
            splits[i] = new FoldSplit(train.ToArray(), held.ToArray());
        }
        return splits;
    }

    /// <summary>The error for too few time points, with how many would do: k·horizon + gap + min_train for a set
    /// horizon; without one (horizon m / (k + 1)) the smallest count above the present one that plans — the training
    /// points m − k·(m / (k + 1)) − gap do not grow steadily with m, so fewer points can sometimes plan too.</summary>
    private static TooFewTimePoints TooFew(int m, int k, WalkForwardSpec wf, int minTrain, int horizon, FoldScope scope)
    {
        var c = CultureInfo.InvariantCulture;
        long needed;
        string detail;
        if (wf.Horizon is { } h)
        {
            needed = (long)k * h + wf.Gap + minTrain;
            detail = string.Create(c, $"{k} test windows of {h} (horizon), a gap of {wf.Gap} and at least {minTrain} to train on (min_train)");
        }
        else
        {
            // m' = (k + 1)·q + r (0 <= r <= k) plans when q >= 1 and q + r >= gap + min_train
            long blocks = k + 1L, rest = (long)wf.Gap + minTrain;
            var start = Math.Max(m + 1L, blocks);
            long q = start / blocks, r = Math.Max(start % blocks, rest - q);
            if (r > k)
            {
                q = Math.Max(q + 1, rest - k);
                r = Math.Max(0, rest - q);
            }
            needed = blocks * q + r;
            detail = string.Create(c, $"with no horizon set each of the {k} test windows has m / (k + 1) points ({horizon} here), plus a gap of {wf.Gap} and at least {minTrain} to train on (min_train)");
        }
        return new TooFewTimePoints(m, (int)Math.Min(needed, int.MaxValue), scope.Section, scope.Where, detail);
    }
}
