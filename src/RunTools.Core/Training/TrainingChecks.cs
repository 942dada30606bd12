using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Folds;

namespace RunTools.Training;

/// <summary>What one inner fold gives a model part: its training and validation rows among the part's rows.</summary>
public sealed record InnerRows(int Inner, int[] Train, int[] Held);

/// <summary>
/// Whether a training can run on its plan and data, decided before the training stage starts (so that -WhatIf
/// reports it and no stage is recorded as started and then failed). The checks are independent and all are
/// reported: several candidates or meta mode without inner folds, Poisson regression (lbfgs) on negative targets, a
/// leaf class under two parents, and, per model part, an outer fold none of whose inner folds can be used (its
/// training rows lack a class of the part: too few rows of a class for the inner folds) or that leaves the
/// meta-classifier no row to train on. The engine asks <see cref="UsableInnerFolds"/> and <see cref="Hierarchy"/>
/// too, so the two cannot disagree.
/// </summary>
public static class TrainingChecks
{
    public static Validation<Error, TrainingInput> Check(TrainingInput input)
    {
        var spec = input.Spec;
        var nested = input.Plan.Folds.Exists(f => f.Inner >= 0);
        var settings = Failures.Of(Seq(
                spec.Candidates.Count > 1 && !nested
                    ? Some(new TrainingSpecInvalid("training.candidates",
                        $"choosing among {spec.Candidates.Count} candidates needs inner folds: add folds.inner to the config, or give one candidate"))
                    : None,
                spec.Task == TrainingTask.Regression && spec.Candidates.Exists(c => c.Trainer == TrainerKind.Lbfgs) && input.Labels.Targets.Any(t => t < 0)
                    ? Some(new TrainingSpecInvalid("training.candidates",
                        "the lbfgs regression trainer is Poisson regression and needs non-negative labels; use sdca, fasttree, fastforest or lightgbm"))
                    : None,
                spec.Mode == TrainingMode.Meta && !nested
                    ? Some(new TrainingSpecInvalid("training.mode", "meta mode feeds out-of-fold scores to the meta-classifier, so it needs inner folds (folds.inner)"))
                    : None)
            .Somes().Map(e => (RunError)e));
        var hierarchy = spec.Mode != TrainingMode.Hierarchical
            ? Success<Error, Seq<(string Leaf, string Parent)>>(Seq<(string, string)>())
            : input.Parent is { } parents
                ? Hierarchy(parents, input.Labels)
                : Fail<Error, Seq<(string Leaf, string Parent)>>(new TrainingSpecInvalid("training.parent", "hierarchical mode needs the parent label"));
        // The model parts of hierarchical mode follow the hierarchy: without one, their inner folds are not checked
        // (the hierarchy's errors are reported once, by it).
        var inner = nested && (spec.Candidates.Count > 1 || spec.Mode == TrainingMode.Meta)
            ? hierarchy.Match(Succ: h => InnerFoldProblems(input, h), Fail: _ => Success<Error, Unit>(unit))
            : Success<Error, Unit>(unit);
        return (settings, hierarchy, inner).Apply((_, _, _) => input);
    }

    /// <summary>
    /// The inner folds a model part can learn from within one outer fold: each inner fold's training and validation
    /// rows restricted to <paramref name="train"/> (the part's training rows with a known label), kept when both are
    /// non-empty and, for a classification part, the training rows hold every one of its <paramref name="classes"/>.
    /// </summary>
    /// <param name="classIds">Per data row, the part's class (negative when unknown); null for regression.</param>
    public static Seq<InnerRows> UsableInnerFolds(Seq<Fold> inner, int[] train, Func<int, bool> known, int[]? classIds, int classes)
    {
        var inTrain = new System.Collections.Generic.HashSet<int>(train);
        return inner
            .Map(f => new InnerRows(f.Inner, f.Train.Filter(r => known(r) && inTrain.Contains(r)).ToArray(), f.Held.Filter(r => known(r) && inTrain.Contains(r)).ToArray()))
            .Filter(f => f.Train.Length > 0 && f.Held.Length > 0 && (classIds is null || f.Train.Select(r => classIds[r]).Distinct().Count() == classes))
            .Strict();
    }

    /// <summary>Each leaf class with its parent, in the leaves' class order; every leaf seen under two parents is an
    /// error naming it.</summary>
    public static Validation<Error, Seq<(string Leaf, string Parent)>> Hierarchy(EncodedLabels parents, EncodedLabels leaves)
    {
        var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var conflicts = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < leaves.Classes.Length; i++)
        {
            if (leaves.Classes[i] < 0 || parents.Classes[i] < 0) continue;
            var leaf = leaves.Encoding.Classes[leaves.Classes[i]];
            var parent = parents.Encoding.Classes[parents.Classes[i]];
            if (!pairs.TryAdd(leaf, parent) && pairs[leaf] != parent)
            {
                if (!conflicts.TryGetValue(leaf, out var under)) conflicts[leaf] = under = new SortedSet<string>(StringComparer.Ordinal) { pairs[leaf] };
                under.Add(parent);
            }
        }
        return conflicts.Count == 0
            ? Success<Error, Seq<(string, string)>>(toSeq(leaves.Encoding.Classes.Filter(pairs.ContainsKey).Map(l => (l, pairs[l]))))
            : Fail<Error, Seq<(string, string)>>(new TrainingSpecInvalid("training.parent",
                string.Join("; ", conflicts.Select(c => $"the class '{c.Key}' appears under {string.Join(" and ", c.Value.Select(p => $"'{p}'"))}"))));
    }

    /// <summary>A model part as the engine fits it in one outer fold: its training rows (label known), which rows
    /// have a label for it, and its classes.</summary>
    sealed record Part(string Name, int[] Train, Func<int, bool> Known, int[]? ClassIds, int Classes);

    /// <summary>The parts of one outer fold's model, as the engine builds them (direct: one; meta: one per class;
    /// hierarchical: level 1 and one per branch with two leaves or more and training rows).</summary>
    static Seq<Part> Parts(TrainingInput input, Fold outer, Seq<(string Leaf, string Parent)> hierarchy)
    {
        var labels = input.Labels;
        var regression = input.Spec.Task == TrainingTask.Regression;
        bool LabelKnown(int r) => regression ? !double.IsNaN(labels.Targets[r]) : labels.Classes[r] >= 0;
        int[] Rows(Func<int, bool> known) => outer.Train.Filter(known).ToArray();
        switch (input.Spec.Mode)
        {
            case TrainingMode.Meta:
            {
                var all = labels.Classes.ToArray();
                return toSeq(Enumerable.Range(0, labels.Encoding.Classes.Count).Select(c =>
                    new Part($"ovr:{labels.Encoding.Classes[c]}", Rows(LabelKnown), LabelKnown, all.Select(id => id < 0 ? -1 : id == c ? 1 : 0).ToArray(), 2)).ToArray());
            }
            case TrainingMode.Hierarchical when input.Parent is { } parents:
            {
                var parentIds = parents.Classes.ToArray();
                bool ParentKnown(int r) => parentIds[r] >= 0;
                var level1 = new Part("level1", Rows(ParentKnown), ParentKnown, parentIds, parents.Encoding.Classes.Count);
                var branches = toSeq(Enumerable.Range(0, parents.Encoding.Classes.Count).Select(b =>
                {
                    var branch = parents.Encoding.Classes[b];
                    var leaves = hierarchy.Filter(h => h.Parent == branch).Map(h => h.Leaf);
                    var position = leaves.Select((leaf, i) => (leaf, i)).ToDictionary(x => x.leaf, x => x.i, StringComparer.Ordinal);
                    var local = labels.Classes.Select(id => id < 0 ? -1 : position.GetValueOrDefault(labels.Encoding.Classes[id], -1)).ToArray();
                    bool Known(int r) => local[r] >= 0;
                    var rows = outer.Train.Filter(r => parentIds[r] == b).Filter(Known).ToArray();
                    return leaves.Count < 2 || !outer.Train.Exists(r => parentIds[r] == b) ? null : new Part($"level2:{branch}", rows, Known, local, leaves.Count);
                }).OfType<Part>().ToArray());
                return level1.Cons(branches);
            }
            default:
                return Seq1(new Part("model", Rows(LabelKnown), LabelKnown, regression ? null : labels.Classes.ToArray(), labels.Encoding.Classes.Count));
        }
    }

    /// <summary>Every outer fold (of every repeat, and the production fold) whose inner folds leave a model part
    /// nothing to select with (several candidates), or the meta-classifier no row to train on.</summary>
    static Validation<Error, Unit> InnerFoldProblems(TrainingInput input, Seq<(string Leaf, string Parent)> hierarchy)
    {
        var plan = input.Plan;
        var outers = toSeq(Enumerable.Range(0, plan.Spec.Repeats)).Bind(plan.Outer).Concat(plan.Production().ToSeq());
        var found = outers.Bind(outer =>
        {
            var inner = plan.InnerOf(outer.Repeat, outer.Outer);
            var usable = Parts(input, outer, hierarchy).Map(p => (Part: p, Usable: UsableInnerFolds(inner, p.Train, p.Known, p.ClassIds, p.Classes))).Strict();
            var unusable = input.Spec.Candidates.Count > 1
                ? usable.Filter(u => u.Usable.IsEmpty).Map(u => (Problem: $"no inner fold has usable rows for '{u.Part.Name}'", Outer: outer))
                : Seq<(string Problem, Fold Outer)>();
            var meta = input.Spec.Mode == TrainingMode.Meta && MetaRows(input, outer, usable.Map(u => u.Usable)) == 0
                ? Seq1((Problem: "the inner folds leave no training row with out-of-fold scores for the meta-classifier", Outer: outer))
                : Seq<(string Problem, Fold Outer)>();
            return unusable.Concat(meta);
        });
        return Failures.Of(toSeq(found.GroupBy(f => f.Problem).Select(g => (RunError)new TrainingSpecInvalid("folds.inner",
            $"{g.Key} in {Where(toSeq(g.Select(x => x.Outer)))} (an inner fold is usable when its training rows hold every class of the " +
            "model part and it has validation rows: give each class more rows, or use fewer or stratified inner folds)")).ToArray()));
    }

    /// <summary>The rows the meta-classifier of one outer fold would train on: labelled training rows that every
    /// one-vs-rest part scored out of fold.</summary>
    static int MetaRows(TrainingInput input, Fold outer, Seq<Seq<InnerRows>> usablePerClass)
    {
        var scored = usablePerClass.Map(folds => new System.Collections.Generic.HashSet<int>(folds.Bind(f => toSeq(f.Held)))).ToArray();
        return outer.Train.Count(r => input.Labels.Classes[r] >= 0 && scored.All(s => s.Contains(r)));
    }

    static string Where(Seq<Fold> outers) =>
        string.Join(", ", outers.Map(o => o.Outer < 0 ? "the production fold" : $"repeat {o.Repeat + 1} outer fold {o.Outer + 1}"));
}
