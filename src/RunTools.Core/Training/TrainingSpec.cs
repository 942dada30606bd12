using System.Globalization;
using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Training;

public enum TrainingTask { Binary, Multiclass, Regression }

/// <summary>Direct: one model. Meta: one-vs-rest binary models whose out-of-fold scores feed a multiclass
/// meta-classifier. Hierarchical: a level-1 classifier for the parent label, then one level-2 classifier per branch.</summary>
public enum TrainingMode { Direct, Meta, Hierarchical }

/// <summary>SMOTE on training rows only: none, always, or both variants side by side in one run.</summary>
public enum SmoteMode { None, Smote, Both }

public enum TrainerKind { Lbfgs, Sdca, FastTree, FastForest, LightGbm }

/// <summary>One candidate model: a trainer with fixed hyper-parameters.</summary>
/// <param name="Id">Stable id, e.g. <c>lightgbm#2</c> (trainer and position in its grid).</param>
public sealed record Candidate(string Id, TrainerKind Trainer, Map<string, double> Parameters)
{
    public string Describe() => Parameters.IsEmpty
        ? Id
        : $"{Id} ({string.Join(", ", Parameters.Map((k, v) => $"{k}={v.ToString(CultureInfo.InvariantCulture)}").Values)})";
}

/// <summary>What a training stage does, read from the run's config (<c>training:</c> section).</summary>
public sealed record TrainingSpec(
    TrainingTask Task,
    TrainingMode Mode,
    string Metric,
    Seq<Candidate> Candidates,
    int Threads,
    ulong Seed,
    SmoteMode Smote,
    int SmoteK,
    double ConformalAlpha,
    string? PositiveClass,
    string? Parent)
{
    /// <summary>The SMOTE variants to train, in order: "none" and/or "smote" (see <see cref="SmoteVariant"/>).</summary>
    public Seq<string> Variants => Smote switch
    {
        SmoteMode.None => Seq1(SmoteVariant.None),
        SmoteMode.Smote => Seq1(SmoteVariant.Smote),
        _ => Seq(SmoteVariant.None, SmoteVariant.Smote),
    };
}

/// <summary>The hyper-parameters each trainer accepts in a grid, with the ML.NET option each maps to. <c>C</c> is
/// scikit-learn's inverse regularisation strength, turned into the trainer's <c>l2</c> for each fit (see
/// <see cref="TrainerSettings"/>); a grid gives one of the two.</summary>
public static class TrainerParameters
{
    public static readonly Map<TrainerKind, Seq<string>> Known = Map(
        (TrainerKind.Lbfgs, Seq("l1", "l2", TrainerSettings.C, "iterations")),
        (TrainerKind.Sdca, Seq("l1", "l2", TrainerSettings.C, "iterations")),
        (TrainerKind.FastTree, Seq("trees", "leaves", "learning_rate", "min_leaf")),
        (TrainerKind.FastForest, Seq("trees", "leaves", "min_leaf", "feature_fraction")),
        (TrainerKind.LightGbm, Seq("iterations", "leaves", "learning_rate", "min_leaf", "l2")));

    public static string Name(TrainerKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Every trainer's parameters, each once, in the order of <see cref="Known"/>'s trainers.</summary>
    public static Seq<string> All => toSeq(Enum.GetValues<TrainerKind>()).Bind(k => Known[k]).Distinct();

    /// <summary>The trainers that take a parameter.</summary>
    public static Seq<TrainerKind> Taking(string parameter) => toSeq(Enum.GetValues<TrainerKind>()).Filter(k => Known[k].Contains(parameter));

    public static Option<TrainerKind> Parse(string name) =>
        toSeq(Enum.GetValues<TrainerKind>()).Find(k => string.Equals(Name(k), name.Replace("_", ""), StringComparison.OrdinalIgnoreCase));
}

public static class TrainingSpecs
{
    public static readonly Map<TrainingTask, Seq<string>> Metrics = Map(
        (TrainingTask.Binary, Seq("auc", "accuracy", "balanced_accuracy", "f1", "mcc", "log_loss", "brier")),
        (TrainingTask.Multiclass, Seq("macro_f1", "accuracy", "log_loss")),
        (TrainingTask.Regression, Seq("rmse", "mae", "r2")));

    /// <summary>Whether a larger value of the metric is better.</summary>
    public static bool HigherIsBetter(string metric) => metric is not ("log_loss" or "brier" or "rmse" or "mae");

    /// <summary>The keys of the <c>training:</c> section.</summary>
    public static readonly Seq<string> Keys = Seq("task", "mode", "metric", "threads", "seed", "smote", "smote_k", "conformal_alpha",
        "positive_class", "parent", "candidates");

    /// <summary>The keys of one entry of <c>training.candidates</c>.</summary>
    public static readonly Seq<string> CandidateKeys = Seq("trainer", "grid");

    /// <summary>
    /// Every unknown key of the <c>training:</c> section at <paramref name="path"/>, of each candidate and of each
    /// candidate's grid (the parameters its trainer takes; a parameter of another trainer says which trainers take it;
    /// with no known trainer, any trainer's parameter is accepted here and the trainer itself is reported when the
    /// section is read). A section that is not a map is a <see cref="ConfigValueInvalid"/>; other values of the wrong
    /// shape are left to <see cref="FromConfig"/>.
    /// </summary>
    public static Seq<RunError> UnknownKeys(ConfigValue config, string path = "training") =>
        ConfigKeys.Section(config, path, v => new ConfigValueInvalid(path, $"expected a map of training settings, found '{v.Display}'"))
            .Match(Right: entries => ConfigKeys.Unknown(entries, path, Keys) + UnknownCandidateKeys(config, $"{path}.candidates"), Left: e => Seq1(e));

    static Seq<RunError> UnknownCandidateKeys(ConfigValue config, string key) =>
        ConfigPaths.Get(config, key).Case is ConfigList list
            ? toSeq(list.Items.Select((item, index) => item is ConfigMap map
                ? ConfigKeys.Unknown(map.Entries, $"{key}[{index}]", CandidateKeys) + UnknownGridKeys(map, $"{key}[{index}]")
                : Seq<RunError>())).Bind(errors => errors)
            : Seq<RunError>();

    static Seq<RunError> UnknownGridKeys(ConfigMap candidate, string key)
    {
        if (candidate.Find("grid").Case is not ConfigMap grid) return Seq<RunError>();
        var trainer = ConfigRead.OptionalString(candidate, "trainer").ToOption().Bind(name => name).Bind(TrainerParameters.Parse);
        return trainer.Match(
            Some: t => ConfigKeys.Unknown(grid.Entries, $"{key}.grid", TrainerParameters.Known[t], parameter =>
            {
                var others = TrainerParameters.Taking(parameter).Map(TrainerParameters.Name);
                return $"{TrainerParameters.Name(t)} has no parameter '{parameter}'" + (others.IsEmpty
                    ? ""
                    : $"; {Names(others)} {(others.Count == 1 ? "takes" : "take")} it");
            }),
            None: () => ConfigKeys.Unknown(grid.Entries, $"{key}.grid", TrainerParameters.All));
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    static string Names(Seq<string> names) =>
        names.Count == 1 ? names.Head : $"{string.Join(", ", names.Init)} and {names.Last}";

    /// <summary>
    /// Reads the <c>training:</c> section. Defaults: task binary, mode direct, metric auc / macro_f1 / rmse, threads 0
    /// (all cores), seed = folds.seed or 42, smote none with k 5, conformal alpha 0.1, one LightGbm candidate. Every
    /// problem is reported, each as its own error naming its key: the unknown keys (see <see cref="UnknownKeys"/>) and
    /// every value that cannot be read or does not fit (a check that needs another setting, such as the metric's
    /// task, is made when that setting could be read).
    /// </summary>
    public static Fin<TrainingSpec> FromConfig(ConfigValue config, string path = "training") => Read(config, path).ToFin();

    /// <summary><see cref="FromConfig"/> as a check among others: every error, or the spec.</summary>
    public static Validation<Error, TrainingSpec> Read(ConfigValue config, string path = "training")
    {
        string Key(string k) => $"{path}.{k}";
        var keys = Failures.Of(UnknownKeys(config, path));
        var task = ConfigRead.String(config, Key("task"), "binary").ToValidation().Bind(t => ParseEnum<TrainingTask>(Key("task"), t));
        var mode = ConfigRead.String(config, Key("mode"), "direct").ToValidation().Bind(m => ParseEnum<TrainingMode>(Key("mode"), m))
            .CheckedWith(task, (m, t) => m != TrainingMode.Direct && t != TrainingTask.Multiclass
                ? Invalid<TrainingMode>(Key("mode"), $"'{Text(m)}' is only for multiclass tasks")
                : m);
        var metric = ConfigRead.OptionalString(config, Key("metric")).ToValidation()
            .Bind(given => task.Match(
                Succ: t => given.IfNone(DefaultMetric(t)) is var m && Metrics[t].Contains(m)
                    ? Success<Error, string>(m)
                    : Invalid<string>(Key("metric"), $"'{Excerpt.Of(m)}' is not a {Text(t)} metric; use one of {string.Join(", ", Metrics[t])}"),
                Fail: _ => Success<Error, string>(given.IfNone(""))));
        var threads = ConfigRead.Int(config, Key("threads"), 0).ToValidation()
            .Bind(n => n is < 0 or > 4096 ? Invalid<long>(Key("threads"), "must be 0 (all cores) to 4096") : n);
        var seed = ConfigRead.OptionalInt(config, Key("seed")).ToValidation()
            .Bind(given => given.Match(Some: Success<Error, long>, None: () => ConfigRead.Int(config, "folds.seed", 42).ToValidation()));
        var smote = ConfigRead.String(config, Key("smote"), "none").ToValidation().Bind(m => ParseEnum<SmoteMode>(Key("smote"), m))
            .CheckedWith(task, (m, t) => m != SmoteMode.None && t == TrainingTask.Regression
                ? Invalid<SmoteMode>(Key("smote"), "SMOTE is for classification tasks")
                : m);
        var smoteK = ConfigRead.Int(config, Key("smote_k"), 5).ToValidation()
            .Bind(k => k is < 1 or > 1000 ? Invalid<long>(Key("smote_k"), "must be 1 to 1000") : k);
        var alpha = ConfigRead.Float(config, Key("conformal_alpha"), 0.1).ToValidation()
            .Bind(a => a is > 0 and < 1 ? Success<Error, double>(a) : Invalid<double>(Key("conformal_alpha"), "must be between 0 and 1"));
        var positive = ConfigRead.OptionalString(config, Key("positive_class")).ToValidation();
        var parent = ConfigRead.OptionalString(config, Key("parent")).ToValidation()
            .CheckedWith(mode, (p, m) => m == TrainingMode.Hierarchical && p.IsNone
                ? Invalid<Option<string>>(Key("parent"), "hierarchical mode needs the level-1 label column")
                : p);
        var candidates = Candidates(config, Key("candidates"));
        return (keys, task, mode, metric, threads, seed, smote, smoteK, alpha, positive, parent, candidates)
            .Apply((_, t, m, me, th, se, sm, k, a, po, pa, c) =>
                new TrainingSpec(t, m, me, c, (int)th, unchecked((ulong)se), sm, (int)k, a, po.ToNullable(), pa.ToNullable()))
            .OnePerTarget();
    }

    public static string DefaultMetric(TrainingTask task) => task switch
    {
        TrainingTask.Binary => "auc",
        TrainingTask.Multiclass => "macro_f1",
        _ => "rmse",
    };

    /// <summary>By name only (case and '_' ignored): Enum.TryParse would also take numbers ("2") and comma-separated
    /// combinations ("binary, regression"), turning a typo into another setting.</summary>
    static Validation<Error, T> ParseEnum<T>(string key, string text) where T : struct, Enum =>
        toSeq(Enum.GetValues<T>()).Find(v => string.Equals(v.ToString(), text.Trim().Replace("_", ""), StringComparison.OrdinalIgnoreCase)).Case is T value
            ? Success<Error, T>(value)
            : Invalid<T>(key, $"'{Excerpt.Of(text)}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");

    static string Text<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    static Validation<Error, T> Invalid<T>(string key, string detail) => Fail<Error, T>(new ConfigValueInvalid(key, detail));

    /// <summary>Expands each candidate's grid (the cartesian product of its parameter lists, in the order given) into
    /// candidates with ids <c>trainer#1</c>, <c>trainer#2</c>, ... Every candidate and every grid parameter is read,
    /// and each problem reported; the keys themselves are checked by <see cref="UnknownKeys"/> (a grid parameter its
    /// trainer does not take is not read here).</summary>
    public static Validation<Error, Seq<Candidate>> Candidates(ConfigValue config, string key)
    {
        var entries = ConfigPaths.Get(config, key);
        if (entries.IsNone) return Seq1(new Candidate("lightgbm#1", TrainerKind.LightGbm, Map<string, double>()));
        if (entries.Case is not ConfigList list || list.Items.IsEmpty)
            return Invalid<Seq<Candidate>>(key, "must be a non-empty list of { trainer: ..., grid: { parameter: [values] } }");
        return toSeq(list.Items.Select((item, index) => Expand(item, $"{key}[{index}]"))).Sequence()
            .Map(groups => groups.Bind(g => g))
            .Bind(all => all.Map(c => c.Id).Distinct().Count == all.Count
                ? Success<Error, Seq<Candidate>>(all)
                : Invalid<Seq<Candidate>>(key, "the same trainer appears twice; put all its values in one grid"));
    }

    static Validation<Error, Seq<Candidate>> Expand(ConfigValue item, string key)
    {
        if (item is not ConfigMap map) return Invalid<Seq<Candidate>>(key, "must be a map with 'trainer' and optional 'grid'");
        var trainer = Under(key, ConfigRead.String(map, "trainer", "")).ToValidation()
            .Bind(name => TrainerParameters.Parse(name).Match(
                Some: Success<Error, TrainerKind>,
                None: () => Invalid<TrainerKind>($"{key}.trainer",
                    $"'{Excerpt.Of(name)}' is not a trainer; use one of {string.Join(", ", Enum.GetValues<TrainerKind>().Select(TrainerParameters.Name))}")));
        var known = trainer.Match(Succ: t => TrainerParameters.Known[t], Fail: _ => TrainerParameters.All);
        var axes = Axes(map.Find("grid").IfNone(ConfigMap.Empty), $"{key}.grid", known).Bind(a => Strength(a, $"{key}.grid"));
        return (trainer, axes).Apply((t, a) =>
        {
            var points = a.Fold(Seq1(Map<string, double>()), (acc, axis) => acc.Bind(p => axis.Values.Map(v => p.Add(axis.Name, v))));
            return toSeq(points.Select((p, i) => new Candidate($"{TrainerParameters.Name(t)}#{i + 1}", t, p)));
        });
    }

    /// <summary>scikit-learn's <c>C</c> must be positive, and a grid gives it or the trainer's own <c>l2</c>, not both
    /// (each is the other for a given number of rows).</summary>
    static Validation<Error, Seq<(string Name, Seq<double> Values)>> Strength(Seq<(string Name, Seq<double> Values)> axes, string key)
    {
        var c = axes.Find(a => a.Name == TrainerSettings.C);
        if (c.IsNone) return axes;
        var values = c.Map(a => a.Values).IfNone(Seq<double>());
        if (axes.Exists(a => a.Name == "l2"))
            return Invalid<Seq<(string, Seq<double>)>>($"{key}.{TrainerSettings.C}",
                $"give '{key}.{TrainerSettings.C}' (scikit-learn's inverse strength) or '{key}.l2' (the trainer's own weight), not both");
        return values.Exists(v => !(v > 0) || double.IsInfinity(v))
            ? Invalid<Seq<(string, Seq<double>)>>($"{key}.{TrainerSettings.C}", "C must be a positive number (scikit-learn's inverse regularisation strength)")
            : axes;
    }

    /// <summary>A read inside a list item names the key relative to the item; this gives it the item's full key.</summary>
    static Fin<T> Under<T>(string key, Fin<T> read) =>
        read.Match(Succ: FinSucc, Fail: e => FinFail<T>(e is ConfigValueInvalid invalid ? invalid with { Key = $"{key}.{invalid.Key}" } : e));

    /// <summary>The grid's parameters that <paramref name="known"/> names (the others are unknown keys), each a
    /// non-empty list of numbers.</summary>
    static Validation<Error, Seq<(string Name, Seq<double> Values)>> Axes(ConfigValue grid, string key, Seq<string> known)
    {
        if (grid is not ConfigMap map) return Invalid<Seq<(string, Seq<double>)>>(key, "must be a map of parameter: [values]");
        return map.Entries.Filter(e => known.Contains(e.Key)).Map(e =>
                ConfigRead.Floats(map, e.Key).Match(
                    Succ: values => values.IsEmpty
                        ? Invalid<(string, Seq<double>)>($"{key}.{e.Key}", "needs at least one value")
                        : Success<Error, (string, Seq<double>)>((e.Key, values)),
                    Fail: _ => Invalid<(string, Seq<double>)>($"{key}.{e.Key}", "expected a number or a list of numbers")))
            .Sequence();
    }
}
