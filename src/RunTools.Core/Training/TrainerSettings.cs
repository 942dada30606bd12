namespace RunTools.Training;

/// <summary>
/// What a candidate's trainer is given for one fit: the defaults of the parameters its grid leaves out, and
/// scikit-learn's <c>C</c> turned into the trainer's own L2 weight for the number of rows of that fit.
/// </summary>
/// <remarks>
/// scikit-learn's <c>LogisticRegression</c> minimises <c>C·Σᵢ lossᵢ + ½‖w‖²</c> (intercept unpenalised) on the
/// standardised features; the linear trainers here standardise the same way (mean 0, population standard deviation 1,
/// learned from the fit's training rows). ML.NET scales the L2 term differently in its two linear families (read from
/// its source, confirmed against scikit-learn to 1e-5 in predicted probability):
/// <list type="bullet">
/// <item><c>lbfgs</c> (LbfgsLogisticRegression, LbfgsMaximumEntropy, LbfgsPoissonRegression) minimises
/// <c>(Σᵢ lossᵢ + ½·l2·‖w‖² + l1·‖w‖₁) / n</c>, biases unpenalised: the same optimum as scikit-learn's with
/// <c>l2 = 1 / C</c>, whatever the number of rows.</item>
/// <item><c>sdca</c> (SdcaLogisticRegression, SdcaMaximumEntropy, Sdca regression) minimises
/// <c>(1/n)·Σᵢ lossᵢ + ½·l2·‖w‖² + l1·l2·‖w‖₁</c>: the same optimum with <c>l2 = 1 / (C·n)</c>, n the rows of the
/// fit (inner and outer fits differ). SDCA keeps part of the bias under the L2 term and stops at a duality gap, so it
/// lands near, not on, scikit-learn's optimum.</item>
/// </list>
/// </remarks>
public static class TrainerSettings
{
    /// <summary>scikit-learn's inverse regularisation strength, taken by the linear trainers beside <c>l2</c>.</summary>
    public const string C = "C";

    /// <summary>The value of each parameter a grid leaves out. Linear trainers default to <c>C = 1</c> with no L1 term
    /// (scikit-learn's <c>LogisticRegression()</c>); LightGbm to scikit-learn's <c>HistGradientBoosting*</c> defaults
    /// (100 iterations, learning rate 0.1, 31 leaves, 20 rows per leaf, no L2).</summary>
    public static readonly Map<TrainerKind, Map<string, double>> Defaults = Map(
        (TrainerKind.Lbfgs, Map((C, 1.0), ("l1", 0.0), ("iterations", 100.0))),
        (TrainerKind.Sdca, Map((C, 1.0), ("l1", 0.0))),
        (TrainerKind.FastTree, Map(("trees", 100.0), ("leaves", 20.0), ("learning_rate", 0.2), ("min_leaf", 10.0))),
        (TrainerKind.FastForest, Map(("trees", 100.0), ("leaves", 20.0), ("min_leaf", 10.0), ("feature_fraction", 0.7))),
        (TrainerKind.LightGbm, Map(("iterations", 100.0), ("leaves", 31.0), ("learning_rate", 0.1), ("min_leaf", 20.0), ("l2", 0.0))));

    /// <summary>Whether the trainer takes <c>C</c> (and <c>l2</c> in its own scale).</summary>
    public static bool TakesC(TrainerKind trainer) => trainer is TrainerKind.Lbfgs or TrainerKind.Sdca;

    /// <summary>The trainer's L2 weight that gives scikit-learn's optimum for <paramref name="c"/> on a fit of
    /// <paramref name="rows"/> rows: <c>1 / C</c> for lbfgs, <c>1 / (C·rows)</c> for sdca.</summary>
    public static double L2FromC(TrainerKind trainer, double c, int rows)
    {
        if (!TakesC(trainer)) throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "only lbfgs and sdca take C");
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "C must be a positive number");
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a fit has at least one row");
        return trainer == TrainerKind.Lbfgs ? 1 / c : 1 / (c * rows);
    }

    /// <summary>The parameters the trainer is given for a fit of <paramref name="rows"/> rows: the candidate's own,
    /// the defaults for those it leaves out, and <c>C</c> (given or default) replaced by the trainer's <c>l2</c>
    /// (a given <c>l2</c> is used as it is). The candidate's id is kept.</summary>
    public static Candidate ForFit(Candidate candidate, int rows)
    {
        var given = candidate.Parameters;
        var all = given;
        foreach (var (key, value) in Defaults[candidate.Trainer])
            if (!all.ContainsKey(key)) all = all.Add(key, value);
        if (TakesC(candidate.Trainer))
            all = given.ContainsKey("l2")
                ? all.Remove(C)
                : all.Remove(C).AddOrUpdate("l2", L2FromC(candidate.Trainer, all[C], rows));
        return candidate with { Parameters = all };
    }
}
