using System.Globalization;
using System.Text;
using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Folds;

/// <summary>
/// Fold specs: read from a config section, checked, and written as canonical text and as plain settings.
/// </summary>
/// <remarks>
/// The config section (every key but <c>kind</c> optional; unknown keys are errors, <see cref="ConfigKeyUnknown"/> with
/// the closest known key as a suggestion, so a typo cannot silently fall back to a default):
/// <code>
/// folds:
///   kind: stratified_group      # kfold | stratified | group | stratified_group | walk_forward
///   k: 5                        # default 5
///   repeats: 1                  # default 1
///   seed: 42                    # default 0
///   shuffle: true               # default true, except false for walk_forward
///   production: true            # default false
///   walk_forward: { window: expanding, horizon: 30, gap: 7, train_size: 365, min_train: 30 }   # walk_forward only
///   inner: { kind: stratified, k: 3 }
/// </code>
/// The inner section takes kind, k, shuffle (default: the outer shuffle, but false for walk_forward) and
/// walk_forward (default: the outer walk_forward section when both kinds are walk_forward, so the gap that keeps the
/// outer folds honest also applies to the inner ones). Seed, repeats and production come from the outer level.
/// </remarks>
public static class FoldSpecs
{
    public static readonly Seq<string> OuterKeys = Seq("kind", "k", "repeats", "seed", "shuffle", "production", "walk_forward", "inner");
    public static readonly Seq<string> InnerKeys = Seq("kind", "k", "shuffle", "walk_forward");
    public static readonly Seq<string> WalkForwardKeys = Seq("window", "horizon", "gap", "train_size", "min_train");

    public const int DefaultFolds = 5;

    /// <summary>The config name of a kind: kfold, stratified, group, stratified_group, walk_forward.</summary>
    public static string Text(FoldKind kind) => kind switch
    {
        FoldKind.KFold => "kfold",
        FoldKind.Stratified => "stratified",
        FoldKind.Group => "group",
        FoldKind.StratifiedGroup => "stratified_group",
        FoldKind.WalkForward => "walk_forward",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Text(WindowKind window) => window switch
    {
        WindowKind.Expanding => "expanding",
        WindowKind.Sliding => "sliding",
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>A kind from its config name; case, '_' and '-' are ignored (StratifiedGroup, stratified-group).</summary>
    public static Option<FoldKind> ParseKind(string text) =>
        toSeq(Enum.GetValues<FoldKind>()).Find(k => Normal(Text(k)) == Normal(text));

    public static Option<WindowKind> ParseWindow(string text) =>
        toSeq(Enum.GetValues<WindowKind>()).Find(w => Normal(Text(w)) == Normal(text));

    private static string Normal(string text) =>
        text.Trim().Replace("_", "").Replace("-", "").ToLowerInvariant();

    // ---- reading config -------------------------------------------------------------------------------------

    /// <summary>The fold spec in the config section at <paramref name="path"/>, checked with <see cref="Validate"/>.
    /// Every problem is reported, each as its own error naming its full key: unknown keys are
    /// <see cref="ConfigKeyUnknown"/>s, a value of the wrong type is a ConfigValueInvalid, anything else wrong is a
    /// <see cref="FoldSpecInvalid"/>. A setting whose check needs another (the walk-forward settings need the kind,
    /// the inner folds the outer seed and shuffle) is checked when that one could be read.</summary>
    public static Fin<FoldSpec> FromConfig(ConfigValue config, string path = "folds") => Read(config, path).ToFin();

    /// <summary><see cref="FromConfig"/> as a check among others: every error, or the spec.</summary>
    public static Validation<Error, FoldSpec> Read(ConfigValue config, string path = "folds") =>
        Section(config, path, required: true).Bind(_ =>
        {
            var keys = Failures.Of(UnknownKeys(config, path));
            var kind = Kind(config, path);
            var k = AtLeast(Int32(config, Sub(path, "k"), DefaultFolds), Sub(path, "k"), 2, "");
            var repeats = AtLeast(Int32(config, Sub(path, "repeats"), 1), Sub(path, "repeats"), 1, "");
            var seed = ConfigRead.Int(config, Sub(path, "seed"), 0).ToValidation()
                .Bind(v => v >= 0 ? Success<Error, ulong>((ulong)v) : Invalid<ulong>(Sub(path, "seed"), $"must be 0 or more, got {v}"));
            var shuffle = ConfigRead.Bool(config, Sub(path, "shuffle"), kind.Match(Succ: kd => kd != FoldKind.WalkForward, Fail: _ => true)).ToValidation();
            var production = ConfigRead.Bool(config, Sub(path, "production"), false).ToValidation();
            var walkForward = WalkForward(config, Sub(path, "walk_forward"), kind.ToOption(), inherited: null);
            var inner = Inner(config, Sub(path, "inner"), seed.IfFail(0UL), shuffle.IfFail(true), walkForward.MatchUnsafe(Succ: w => w.ToNullable(), Fail: _ => null));
            var spec = (kind, k, repeats, seed, shuffle, production, walkForward, inner)
                .Apply((kd, kk, r, se, sh, p, wf, inn) => new FoldSpec(kd, kk, r, se, sh, wf.ToNullable(), inn.ToNullable(), p))
                .Bind(spec => Problems(spec, path));
            return (keys, spec).Apply((_, s) => s);
        }).OnePerTarget();

    private static string? InnerAdvice(string key) => key switch
    {
        "seed" => "inner folds take their seeds from the outer seed (with the repeat and outer fold), so set seed on the outer level only",
        "repeats" => "repeats apply to the outer folds; each outer fold gets one set of inner folds",
        "production" => "production applies to the outer plan; when it is on, the production fold gets inner folds too",
        "inner" => "only one level of nesting is supported",
        _ => null,
    };

    private static Validation<Error, Option<FoldSpec>> Inner(ConfigValue config, string path, ulong seed, bool outerShuffle, WalkForwardSpec? outerWalkForward) =>
        Section(config, path, required: false).Bind(section => section.Match(
            Some: _ =>
            {
                var kind = Kind(config, path);
                var k = AtLeast(Int32(config, Sub(path, "k"), DefaultFolds), Sub(path, "k"), 2, "");
                var shuffle = ConfigRead.Bool(config, Sub(path, "shuffle"), kind.Match(Succ: kd => kd != FoldKind.WalkForward && outerShuffle, Fail: _ => outerShuffle))
                    .ToValidation();
                var walkForward = WalkForward(config, Sub(path, "walk_forward"), kind.ToOption(),
                    kind.MatchUnsafe(Succ: kd => kd == FoldKind.WalkForward ? outerWalkForward : null, Fail: _ => null));
                return (kind, k, shuffle, walkForward).Apply((kd, kk, sh, wf) => Some(new FoldSpec(kd, kk, 1, seed, sh, wf.ToNullable(), null, false)));
            },
            None: () => Success<Error, Option<FoldSpec>>(None)));

    /// <param name="kind">The kind when it could be read: the walk-forward settings are only for walk_forward.</param>
    private static Validation<Error, Option<WalkForwardSpec>> WalkForward(ConfigValue config, string path, Option<FoldKind> kind, WalkForwardSpec? inherited) =>
        Section(config, path, required: false).Bind(section => section.Match(
            Some: _ => kind.Exists(k => k != FoldKind.WalkForward)
                ? Invalid<Option<WalkForwardSpec>>(path, $"only used when kind is walk_forward, and kind is {Text((FoldKind)kind)}")
                : (ConfigRead.String(config, Sub(path, "window"), Text(WindowKind.Expanding)).ToValidation()
                        .Bind(text => ParseWindow(text).Match(
                            Some: Success<Error, WindowKind>,
                            None: () => Invalid<WindowKind>(Sub(path, "window"), $"'{Excerpt.Of(text)}' is not a window; use expanding or sliding"))),
                    OptionalInt32(config, Sub(path, "horizon")).Bind(h => h.Match(
                        Some: v => AtLeast(Success<Error, int>(v), Sub(path, "horizon"), 1, " time point").Map(Some),
                        None: () => Success<Error, Option<int>>(None))),
                    AtLeast(Int32(config, Sub(path, "gap"), 0), Sub(path, "gap"), 0, ""),
                    OptionalInt32(config, Sub(path, "train_size")).Bind(t => t.Match(
                        Some: v => AtLeast(Success<Error, int>(v), Sub(path, "train_size"), 1, " time point").Map(Some),
                        None: () => Success<Error, Option<int>>(None))),
                    AtLeast(Int32(config, Sub(path, "min_train"), 1), Sub(path, "min_train"), 0, ""))
                .Apply((window, horizon, gap, trainSize, minTrain) =>
                    Some(new WalkForwardSpec(window, horizon.ToNullableValue(), gap, trainSize.ToNullableValue(), minTrain))),
            None: () => Success<Error, Option<WalkForwardSpec>>(kind.Exists(k => k == FoldKind.WalkForward) ? Some(inherited ?? WalkForwardSpec.Default) : None)));

    private static Validation<Error, FoldKind> Kind(ConfigValue config, string path) =>
        ConfigRead.OptionalString(config, Sub(path, "kind")).ToValidation().Bind(text => text.Match(
            Some: t => ParseKind(t).Match(
                Some: Success<Error, FoldKind>,
                None: () => Invalid<FoldKind>(Sub(path, "kind"), $"'{Excerpt.Of(t)}' is not a fold kind; use one of {KindList}")),
            None: () => Invalid<FoldKind>(Sub(path, "kind"), $"is required; use one of {KindList}")));

    private static string KindList => string.Join(", ", Enum.GetValues<FoldKind>().Select(Text));

    private static Validation<Error, T> Invalid<T>(string key, string detail) => Fail<Error, T>(new FoldSpecInvalid(key, detail));

    /// <summary>The map at <paramref name="path"/>: None when absent or null (an error when required), an error
    /// when it is not a map.</summary>
    private static Validation<Error, Option<ConfigMap>> Section(ConfigValue config, string path, bool required) =>
        ConfigPaths.Get(config, path).Filter(v => v is not ConfigNull).Match(
            Some: v => v is ConfigMap map
                ? Success<Error, Option<ConfigMap>>(Some(map))
                : Invalid<Option<ConfigMap>>(path, $"expected a map of fold settings, found '{ConfigLimits.Brief(v)}'"),
            None: () => required
                ? Invalid<Option<ConfigMap>>(path, "there are no fold settings here; add at least 'kind'")
                : Success<Error, Option<ConfigMap>>(Option<ConfigMap>.None));

    /// <summary>
    /// Every unknown key of the fold settings at <paramref name="path"/>: the outer level, <c>inner</c> and each
    /// <c>walk_forward</c> (as <see cref="ConfigKeyUnknown"/>s; an outer-only setting under <c>inner</c> says why it is
    /// not taken there), and any of these that is not a map (a <see cref="FoldSpecInvalid"/>, as the reader says).
    /// Absent settings have no unknown keys.
    /// </summary>
    public static Seq<RunError> UnknownKeys(ConfigValue config, string path = "folds")
    {
        Seq<RunError> Level(string at, Seq<string> known, Func<string, string?>? note, Func<Seq<ConfigEntry>, Seq<RunError>> nested) =>
            ConfigKeys.Section(config, at, v => new FoldSpecInvalid(at, $"expected a map of fold settings, found '{v.Display}'"))
                .Match(Right: entries => ConfigKeys.Unknown(entries, at, known, note) + nested(entries), Left: e => Seq1(e));

        Seq<RunError> WalkForwardOf(string at, Seq<ConfigEntry> entries) =>
            entries.Exists(e => e.Key == "walk_forward")
                ? Level(Sub(at, "walk_forward"), WalkForwardKeys, null, _ => Seq<RunError>())
                : Seq<RunError>();

        return Level(path, OuterKeys, null, outer =>
            WalkForwardOf(path, outer)
            + (outer.Exists(e => e.Key == "inner")
                ? Level(Sub(path, "inner"), InnerKeys, InnerAdvice, inner => WalkForwardOf(Sub(path, "inner"), inner))
                : Seq<RunError>()));
    }

    private static Validation<Error, int> Int32(ConfigValue config, string path, int @default) =>
        ConfigRead.Int(config, path, @default).ToValidation().Bind(v => ToInt32(path, v));

    private static Validation<Error, Option<int>> OptionalInt32(ConfigValue config, string path) =>
        ConfigRead.OptionalInt(config, path).ToValidation().Bind(v => v.Match(
            Some: n => ToInt32(path, n).Map(Some),
            None: () => Success<Error, Option<int>>(None)));

    /// <summary>A bound checked as the value is read, so that it is reported with every other bad value (the checks
    /// of the whole spec, <see cref="Check"/>, say the same).</summary>
    private static Validation<Error, int> AtLeast(Validation<Error, int> value, string path, int least, string unit) =>
        value.Bind(v => v >= least
            ? Success<Error, int>(v)
            : Invalid<int>(path, least == 0 ? $"must be 0 or more, got {v}" : $"must be at least {least}{unit}, got {v}"));

    private static Validation<Error, int> ToInt32(string path, long value) =>
        value is >= int.MinValue and <= int.MaxValue
            ? Success<Error, int>((int)value)
            : Invalid<int>(path, $"{value} is out of range");

    // ---- checking -------------------------------------------------------------------------------------------

    /// <summary>Checks what can be checked without data; <paramref name="path"/> prefixes the keys that errors
    /// name (folds.k, folds.inner.walk_forward.gap). Every setting that does not fit is reported (one error per key:
    /// the first problem found with it).</summary>
    public static Fin<FoldSpec> Validate(FoldSpec spec, string path = "folds") => Problems(spec, path).ToFin();

    private static Validation<Error, FoldSpec> Problems(FoldSpec spec, string path)
    {
        var problems = Check(spec, path).Concat(spec.Inner is { } inner
            ? Check(inner, Sub(path, "inner")).Concat(InnerFits(spec, inner, Sub(path, "inner")))
            : Seq<(string Key, string Detail)>());
        return problems.IsEmpty
            ? Success<Error, FoldSpec>(spec)
            : Fail<Error, FoldSpec>(problems.Map(p => (Error)new FoldSpecInvalid(p.Key, p.Detail))).OnePerTarget();
    }

    private static Seq<(string Key, string Detail)> Check(FoldSpec spec, string path)
    {
        var walkForward = spec.Kind == FoldKind.WalkForward;
        var shuffled = spec.Shuffle && !walkForward;
        var wf = walkForward ? spec.WalkForward : null;
        return Seq(
                (!Enum.IsDefined(spec.Kind), Sub(path, "kind"), $"{(int)spec.Kind} is not a fold kind"),
                (spec.Folds < 2, Sub(path, "k"), $"must be at least 2, got {spec.Folds}"),
                (spec.Repeats < 1, Sub(path, "repeats"), $"must be at least 1, got {spec.Repeats}"),
                (walkForward && spec.Repeats > 1, Sub(path, "repeats"), "walk-forward folds are fixed by time, so every repeat would be the same; use repeats: 1"),
                (walkForward && spec.Shuffle, Sub(path, "shuffle"), "walk-forward folds keep time order; use shuffle: false"),
                (!shuffled && spec.Repeats > 1, Sub(path, "repeats"), "without shuffle every repeat gives the same folds; use shuffle: true or repeats: 1"),
                (!walkForward && spec.WalkForward is not null, Sub(path, "walk_forward"),
                    $"only used when kind is walk_forward, and kind is {(Enum.IsDefined(spec.Kind) ? Text(spec.Kind) : ((int)spec.Kind).ToString(CultureInfo.InvariantCulture))}"),
                (wf is not null && !Enum.IsDefined(wf.Window), Sub(path, "walk_forward.window"), $"{(int?)wf?.Window} is not a window kind"),
                (wf?.Horizon is < 1, Sub(path, "walk_forward.horizon"), $"must be at least 1 time point, got {wf?.Horizon}"),
                (wf?.Gap < 0, Sub(path, "walk_forward.gap"), $"must be 0 or more, got {wf?.Gap}"),
                (wf?.MinTrain < 0, Sub(path, "walk_forward.min_train"), $"must be 0 or more, got {wf?.MinTrain}"),
                (wf is { Window: WindowKind.Sliding, TrainSize: null }, Sub(path, "walk_forward.train_size"), "is required for window: sliding (the number of time points to train on)"),
                (wf is { Window: WindowKind.Expanding, TrainSize: not null }, Sub(path, "walk_forward.train_size"), "is only used with window: sliding; an expanding window trains on every earlier time point"),
                (wf?.TrainSize is < 1, Sub(path, "walk_forward.train_size"), $"must be at least 1 time point, got {wf?.TrainSize}"),
                (wf?.TrainSize < wf?.MinTrain, Sub(path, "walk_forward.train_size"), $"{wf?.TrainSize} is less than min_train ({wf?.MinTrain}), so no fold could train"))
            .Filter(p => p.Item1)
            .Map(p => (p.Item2, p.Item3));
    }

    private static Seq<(string Key, string Detail)> InnerFits(FoldSpec outer, FoldSpec inner, string path) =>
        Seq(
                (inner.Inner is not null, Sub(path, "inner"), "only one level of nesting is supported"),
                (inner.Repeats != 1, Sub(path, "repeats"), "repeats apply to the outer folds; the inner spec must have 1"),
                (inner.Production, Sub(path, "production"), "production applies to the outer plan; the inner spec must not set it"),
                (inner.Seed != outer.Seed, Sub(path, "seed"), $"inner folds take their seeds from the outer seed ({outer.Seed}); the inner spec must have the same seed, got {inner.Seed}"))
            .Filter(p => p.Item1)
            .Map(p => (p.Item2, p.Item3));

    // ---- writing --------------------------------------------------------------------------------------------

    /// <summary>The spec as plain settings with config names, for the plan's JSON summary.</summary>
    public static FoldSettings Settings(FoldSpec spec) =>
        new(Text(spec.Kind), spec.Folds, spec.Repeats, spec.Seed, spec.Shuffle, spec.Production,
            spec.WalkForward is { } wf ? new WalkForwardSettings(Text(wf.Window), wf.Horizon, wf.Gap, wf.TrainSize, wf.MinTrain) : null,
            spec.Inner is { } inner ? Settings(inner) : null);

    /// <summary>One line of text that determines the spec, part of the plan's content hash, e.g.
    /// <c>kind=kfold k=5 repeats=1 seed=42 shuffle=true production=false walk_forward=none inner=none</c>;
    /// walk_forward and inner are written in parentheses in the same form.</summary>
    public static string Canonical(FoldSpec spec)
    {
        var text = new StringBuilder();
        Write(text, spec);
        return text.ToString();
    }

    private static void Write(StringBuilder text, FoldSpec spec)
    {
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"kind={Text(spec.Kind)} k={spec.Folds} repeats={spec.Repeats} seed={spec.Seed} ")
            .Append(c, $"shuffle={Bool(spec.Shuffle)} production={Bool(spec.Production)} walk_forward=");
        if (spec.WalkForward is { } wf)
            text.Append(c, $"(window={Text(wf.Window)} horizon={Number(wf.Horizon)} gap={wf.Gap} ")
                .Append(c, $"train_size={Number(wf.TrainSize)} min_train={wf.MinTrain})");
        else
            text.Append("none");
        text.Append(" inner=");
        if (spec.Inner is { } inner)
        {
            text.Append('(');
            Write(text, inner);
            text.Append(')');
        }
        else
            text.Append("none");
    }

    /// <summary>The key of a setting under a section; the empty path is the config's root.</summary>
    private static string Sub(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(int? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none";
}
