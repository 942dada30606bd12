using FsCheck.Xunit;
using RunTools.Evaluation;
using RunTools.Tests.Config;

namespace RunTools.Tests.Evaluation;

public sealed class SmoteTests
{
    static SmoteResult Run(double[][] features, int[] classes, ulong seed = 42, int k = 5, double ratio = 1.0) =>
        Expect.Succ(Smote.Oversample(features, classes, seed, k, ratio));

    static double[][] Rows(params double[] oneDimensional) => oneDimensional.Select(v => new[] { v }).ToArray();

    [Fact]
    public void One_dimensional_example_with_one_neighbour()
    {
        // Majority: five rows (0–4). Minority: rows 5, 6, 7 at 0, 1, 3. With k = 1: 5 → 6, 6 → 5, 7 → 6.
        var features = Rows(10, 11, 12, 13, 14, 0, 1, 3);
        var result = Run(features, [0, 0, 0, 0, 0, 1, 1, 1], k: 1);
        Assert.Equal(
            Seq(new SmoteClassSummary(0, 5, 5, 0, 0, SmoteClassStatus.AtTarget),
                new SmoteClassSummary(1, 3, 5, 2, 1, SmoteClassStatus.Oversampled)),
            result.Classes);
        Assert.Equal(2, result.Samples.Count);
        var nearest = new Dictionary<int, int> { [5] = 6, [6] = 5, [7] = 6 };
        foreach (var s in result.Samples)
        {
            Assert.Equal(1, s.Class);
            Assert.Equal(nearest[s.Source], s.Neighbour);
            Assert.Equal(Seq1(features[s.Source][0] + s.Gap * (features[s.Neighbour][0] - features[s.Source][0])), s.Features);
        }
        // Two synthetic rows from three: two different sources (drawn without replacement).
        Assert.NotEqual(result.Samples[0].Source, result.Samples[1].Source);
    }

    [Fact]
    public void Distance_ties_go_to_the_lower_row_index()
    {
        // Minority rows 3 (at 0), 4 (at 2), 5 (at −2): row 3's nearest are 4 and 5, equally far; k = 1 picks 4.
        var features = Rows(9, 9, 9, 0, 2, -2, 9, 9, 9, 9, 9, 9);
        var result = Run(features, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], k: 1);
        var fromRow3 = result.Samples.Filter(s => s.Source == 3).ToArray();
        Assert.Equal(2, fromRow3.Length); // 9 − 3 = 6 synthetic rows over 3 minority rows: each is the source twice
        Assert.All(fromRow3, s => Assert.Equal(4, s.Neighbour));
        Assert.All(result.Samples.Filter(s => s.Source == 4), s => Assert.Equal(3, s.Neighbour)); // 2 from 4: row 3 at 2, row 5 at 4
        Assert.All(result.Samples.Filter(s => s.Source == 5), s => Assert.Equal(3, s.Neighbour));
    }

    [Fact]
    public void Multiclass_summary_reports_single_row_classes_and_caps_k()
    {
        // Class 7: 10 rows (largest). Class 3: 4 rows → k capped at 3, 6 synthetic. Class 5: one row → unchanged.
        var classes = Enumerable.Repeat(7, 10).Concat(Enumerable.Repeat(3, 4)).Append(5).ToArray();
        var features = classes.Select((c, i) => new[] { c * 10.0 + i, -i * 0.5 }).ToArray();
        var result = Run(features, classes, k: 5);
        Assert.Equal(
            Seq(new SmoteClassSummary(3, 4, 10, 6, 3, SmoteClassStatus.Oversampled),
                new SmoteClassSummary(5, 1, 10, 0, 0, SmoteClassStatus.SingleRow),
                new SmoteClassSummary(7, 10, 10, 0, 0, SmoteClassStatus.AtTarget)),
            result.Classes);
        Assert.Equal(6, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.Equal(3, s.Class));
    }

    [Fact]
    public void A_ratio_sets_the_minority_target_relative_to_the_majority()
    {
        var classes = Enumerable.Repeat(0, 20).Concat(Enumerable.Repeat(1, 5)).ToArray();
        var features = classes.Select((c, i) => new[] { (double)i, c }).ToArray();
        Assert.Equal(5, Run(features, classes, ratio: 0.5).Samples.Count);   // ⌊0.5 · 20⌋ = 10
        Assert.Equal(15, Run(features, classes).Samples.Count);              // balanced: 20
        Assert.Empty(Run(features, classes, ratio: 0.25).Samples);           // target 5: already there
        Assert.Equal(
            Seq(new SmoteClassSummary(0, 20, 4, 0, 0, SmoteClassStatus.AtTarget),
                new SmoteClassSummary(1, 5, 4, 0, 0, SmoteClassStatus.AtTarget)),
            Run(features, classes, ratio: 0.2).Classes); // target 4 < 5 rows: nothing, and never fewer rows
        var hundred = Enumerable.Repeat(0, 100).Concat(Enumerable.Repeat(1, 5)).ToArray();
        Assert.Equal(24, Run(hundred.Select(c => new[] { (double)c }).ToArray(), hundred, ratio: 0.29).Samples.Count); // 0.29 · 100 is 29 (not 28.999…)
    }

    [Fact]
    public void Every_minority_row_is_a_source_equally_often_give_or_take_one()
    {
        // 3 rows, 10 synthetic: each row 3 times, plus one extra.
        var classes = Enumerable.Repeat(0, 13).Concat(Enumerable.Repeat(1, 3)).ToArray();
        var features = classes.Select((c, i) => new[] { (double)i }).ToArray();
        var uses = Run(features, classes).Samples.GroupBy(s => s.Source).Select(g => g.Count()).OrderBy(x => x).ToArray();
        Assert.Equal([3, 3, 4], uses);
    }

    [Fact]
    public void Invalid_inputs_are_errors()
    {
        var ok = Rows(1, 2, 3);
        int[] classes = [0, 0, 1];
        Expect.Error(new EvaluationArgumentInvalid("k", 0, "at least one neighbour is needed."), Smote.Oversample(ok, classes, 1, k: 0));
        Expect.Error(new EvaluationArgumentInvalid("targetRatio", 1.5, "it must lie in (0, 1]."), Smote.Oversample(ok, classes, 1, targetRatio: 1.5));
        Expect.Error(new EvaluationArgumentInvalid("targetRatio", 0, "it must lie in (0, 1]."), Smote.Oversample(ok, classes, 1, targetRatio: 0));
        Expect.Error(new EvaluationArgumentInvalid("targetRatio", double.NaN, "it must lie in (0, 1]."), Smote.Oversample(ok, classes, 1, targetRatio: double.NaN));
        Expect.Error(new EvaluationInputEmpty("features"), Smote.Oversample([], [], 1));
        Expect.Error(new EvaluationLengthMismatch("classOfRow", 3, 2), Smote.Oversample(ok, [0, 1], 1));
        Expect.Error(new EvaluationFeatureRowInvalid(1, "it has 2 features but row 0 has 1."), Smote.Oversample([[1], [2, 3], [4]], classes, 1));
        Expect.Error(new EvaluationFeatureRowInvalid(2, "the row is null."), Smote.Oversample([[1], [2], null!], classes, 1));
        Expect.Error(new EvaluationValueNotFinite("features[1]", 0, double.NaN), Smote.Oversample(Rows(1, double.NaN, 3), classes, 1));
    }

    [Fact]
    public void A_class_s_synthetic_rows_do_not_depend_on_other_classes_features()
    {
        var classes = Enumerable.Repeat(0, 12).Concat(Enumerable.Repeat(1, 4)).ToArray();
        var a = classes.Select((c, i) => new[] { c == 1 ? i * 1.5 : i, 2.0 * c }).ToArray();
        var b = a.Select((row, i) => classes[i] == 0 ? new[] { -row[0] * 7, 100.0 } : row).ToArray();
        Assert.Equal(Run(a, classes, seed: 9), Run(b, classes, seed: 9));
    }

    // ---- properties -------------------------------------------------------------------------------------------

    static SmoteResult Run(SmoteCase c) => Run(c.Features, c.Classes, c.Seed, c.K, c.Ratio);

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Every_synthetic_row_lies_on_the_segment_between_its_two_same_class_sources(SmoteCase c)
    {
        foreach (var s in Run(c).Samples)
        {
            Assert.Equal(c.Classes[s.Source], s.Class);
            Assert.Equal(c.Classes[s.Neighbour], s.Class);
            Assert.NotEqual(s.Source, s.Neighbour);
            Assert.True(s.Gap >= 0.0 && s.Gap < 1.0, $"gap {s.Gap}");
            var from = c.Features[s.Source];
            var to = c.Features[s.Neighbour];
            Assert.Equal(from.Length, s.Features.Count);
            for (var j = 0; j < from.Length; j++)
            {
                Assert.Equal(from[j] + s.Gap * (to[j] - from[j]), s.Features[j]);
                var slack = 1e-12 * Math.Max(1, Math.Abs(from[j]) + Math.Abs(to[j]));
                Assert.InRange(s.Features[j], Math.Min(from[j], to[j]) - slack, Math.Max(from[j], to[j]) + slack);
            }
        }
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Every_neighbour_is_one_of_the_k_nearest_same_class_rows(SmoteCase c)
    {
        var result = Run(c);
        foreach (var s in result.Samples)
        {
            var k = result.Classes.Find(x => x.Class == s.Class).Map(x => x.Neighbours).IfNone(-1);
            Assert.Equal(Math.Min(c.K, c.Classes.Count(x => x == s.Class) - 1), k);
            var ranked = Enumerable.Range(0, c.Features.Length)
                .Where(r => r != s.Source && c.Classes[r] == s.Class)
                .OrderBy(r => SquaredDistance(c.Features[s.Source], c.Features[r]))
                .ThenBy(r => r)
                .ToList();
            Assert.InRange(ranked.IndexOf(s.Neighbour), 0, k - 1);
        }
    }

    static double SquaredDistance(double[] a, double[] b) => a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Counts_reach_the_target_and_the_largest_class_gets_nothing(SmoteCase c)
    {
        var result = Run(c);
        var sizes = c.Classes.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var largest = sizes.Values.Max();
        var target = (int)Math.Floor(c.Ratio * largest + 1e-9);
        Assert.Equal(sizes.Keys.Order().ToArray(), result.Classes.Map(x => x.Class).ToArray());
        foreach (var summary in result.Classes)
        {
            var made = result.Samples.Count(s => s.Class == summary.Class);
            Assert.Equal(summary.Synthetic, made);
            Assert.Equal(sizes[summary.Class], summary.Rows);
            var status = summary.Rows >= target ? SmoteClassStatus.AtTarget
                : summary.Rows == 1 ? SmoteClassStatus.SingleRow
                : SmoteClassStatus.Oversampled;
            Assert.Equal(status, summary.Status);
            Assert.Equal(target, summary.Target);
            Assert.Equal(status == SmoteClassStatus.Oversampled ? target - summary.Rows : 0, made);
            if (summary.Rows == largest) Assert.Equal(0, made);
            // Sources spread evenly: each row of the class is a source ⌊s/m⌋ or ⌈s/m⌉ times.
            if (made > 0)
            {
                var uses = c.Classes.Select((x, r) => (x, r)).Where(t => t.x == summary.Class)
                    .Select(t => result.Samples.Count(s => s.Source == t.r)).ToArray();
                Assert.InRange(uses.Min(), made / summary.Rows, made / summary.Rows);
                Assert.InRange(uses.Max(), made / summary.Rows, (made + summary.Rows - 1) / summary.Rows);
            }
        }
        // Samples come grouped by class in ascending order.
        Assert.Equal(result.Samples.Map(s => s.Class).Order().ToArray(), result.Samples.Map(s => s.Class).ToArray());
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 200)]
    public void The_same_seed_gives_the_same_rows(SmoteCase c)
    {
        var first = Run(c);
        Assert.Equal(first, Run(c));
        var copy = c.Features.Select(r => (double[])r.Clone()).ToArray();
        Assert.Equal(first, Run(copy, (int[])c.Classes.Clone(), c.Seed, c.K, c.Ratio));
        Assert.Equal(copy.Select(r => toSeq(r)), c.Features.Select(r => toSeq(r))); // the input is not modified
    }

    [Fact]
    public void Different_seeds_give_different_rows()
    {
        var classes = Enumerable.Repeat(0, 30).Concat(Enumerable.Repeat(1, 6)).ToArray();
        var features = classes.Select((c, i) => new[] { i * 0.37, c - i * 0.11 }).ToArray();
        Assert.NotEqual(Run(features, classes, seed: 1).Samples, Run(features, classes, seed: 2).Samples);
    }
}
