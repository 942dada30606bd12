using System.Globalization;
using System.Text;
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
    /// Unknown keys are <see cref="ConfigKeyUnknown"/>s (all of them reported, before anything else); a value of the
    /// wrong type is a ConfigValueInvalid; anything else wrong is a <see cref="FoldSpecInvalid"/> naming the full
    /// key.</summary>
    public static Fin<FoldSpec> FromConfig(ConfigValue config, string path = "folds") =>
        from section in Section(config, path, required: true)
        from _ in ConfigKeys.Report(UnknownKeys(config, path))
        from kind in Kind(config, path)
        from k in Int32(config, Sub(path, "k"), DefaultFolds)
        from repeats in Int32(config, Sub(path, "repeats"), 1)
        from seedValue in ConfigRead.Int(config, Sub(path, "seed"), 0)
        from seed in seedValue >= 0
            ? FinSucc((ulong)seedValue)
            : FinFail<ulong>(new FoldSpecInvalid(Sub(path, "seed"), $"must be 0 or more, got {seedValue}"))
        from shuffle in ConfigRead.Bool(config, Sub(path, "shuffle"), kind != FoldKind.WalkForward)
        from production in ConfigRead.Bool(config, Sub(path, "production"), false)
        from walkForward in WalkForward(config, Sub(path, "walk_forward"), kind, inherited: null)
        from inner in Inner(config, Sub(path, "inner"), seed, shuffle, walkForward.ToNullable())
        let spec = new FoldSpec(kind, k, repeats, seed, shuffle, walkForward.ToNullable(), inner.ToNullable(), production)
        from valid in Validate(spec, path)
        select valid;

    private static string? InnerAdvice(string key) => key switch
    {
        "seed" => "inner folds take their seeds from the outer seed (with the repeat and outer fold), so set seed on the outer level only",
        "repeats" => "repeats apply to the outer folds; each outer fold gets one set of inner folds",
        "production" => "production applies to the outer plan; when it is on, the production fold gets inner folds too",
        "inner" => "only one level of nesting is supported",
        _ => null,
    };

    private static Fin<Option<FoldSpec>> Inner(ConfigValue config, string path, ulong seed, bool outerShuffle, WalkForwardSpec? outerWalkForward) =>
        Section(config, path, required: false).Bind(section => section.MatchUnsafe(
            Some: _ =>
                from kind in Kind(config, path)
                from k in Int32(config, Sub(path, "k"), DefaultFolds)
                from shuffle in ConfigRead.Bool(config, Sub(path, "shuffle"), kind != FoldKind.WalkForward && outerShuffle)
                from walkForward in WalkForward(config, Sub(path, "walk_forward"), kind,
                    kind == FoldKind.WalkForward ? outerWalkForward : null)
                select Some(new FoldSpec(kind, k, 1, seed, shuffle, walkForward.ToNullable(), null, false)),
            None: () => FinSucc(Option<FoldSpec>.None)));

    private static Fin<Option<WalkForwardSpec>> WalkForward(ConfigValue config, string path, FoldKind kind, WalkForwardSpec? inherited) =>
        Section(config, path, required: false).Bind(section => section.MatchUnsafe(
            Some: map => kind != FoldKind.WalkForward
                ? FinFail<Option<WalkForwardSpec>>(new FoldSpecInvalid(path, $"only used when kind is walk_forward, and kind is {Text(kind)}"))
                : from windowText in ConfigRead.String(config, Sub(path, "window"), Text(WindowKind.Expanding))
                  from window in ParseWindow(windowText).Match(
                      Some: FinSucc,
                      None: () => FinFail<WindowKind>(new FoldSpecInvalid(Sub(path, "window"), $"'{Excerpt.Of(windowText)}' is not a window; use expanding or sliding")))
                  from horizon in OptionalInt32(config, Sub(path, "horizon"))
                  from gap in Int32(config, Sub(path, "gap"), 0)
                  from trainSize in OptionalInt32(config, Sub(path, "train_size"))
                  from minTrain in Int32(config, Sub(path, "min_train"), 1)
                  select Some(new WalkForwardSpec(window, horizon.ToNullableValue(), gap, trainSize.ToNullableValue(), minTrain)),
            None: () => FinSucc(kind == FoldKind.WalkForward ? Some(inherited ?? WalkForwardSpec.Default) : None)));

    private static Fin<FoldKind> Kind(ConfigValue config, string path) =>
        from text in ConfigRead.OptionalString(config, Sub(path, "kind"))
        from kind in text.Match(
            Some: t => ParseKind(t).Match(
                Some: FinSucc,
                None: () => FinFail<FoldKind>(new FoldSpecInvalid(Sub(path, "kind"), $"'{Excerpt.Of(t)}' is not a fold kind; use one of {KindList}"))),
            None: () => FinFail<FoldKind>(new FoldSpecInvalid(Sub(path, "kind"), $"is required; use one of {KindList}")))
        select kind;

    private static string KindList => string.Join(", ", Enum.GetValues<FoldKind>().Select(Text));

    /// <summary>The map at <paramref name="path"/>: None when absent or null (an error when required), an error
    /// when it is not a map.</summary>
    private static Fin<Option<ConfigMap>> Section(ConfigValue config, string path, bool required) =>
        ConfigPaths.Get(config, path).Filter(v => v is not ConfigNull).Match(
            Some: v => v is ConfigMap map
                ? FinSucc(Some(map))
                : FinFail<Option<ConfigMap>>(new FoldSpecInvalid(path, $"expected a map of fold settings, found '{ConfigLimits.Brief(v)}'")),
            None: () => required
                ? FinFail<Option<ConfigMap>>(new FoldSpecInvalid(path, "there are no fold settings here; add at least 'kind'"))
                : FinSucc(Option<ConfigMap>.None));

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

    private static Fin<int> Int32(ConfigValue config, string path, int @default) =>
        ConfigRead.Int(config, path, @default).Bind(v => ToInt32(path, v));

    private static Fin<Option<int>> OptionalInt32(ConfigValue config, string path) =>
        ConfigPaths.Get(config, path).Filter(v => v is not ConfigNull).IsSome
            ? ConfigRead.Int(config, path, 0).Bind(v => ToInt32(path, v)).Map(Some)
            : FinSucc(Option<int>.None);

    private static Fin<int> ToInt32(string path, long value) =>
        value is >= int.MinValue and <= int.MaxValue
            ? FinSucc((int)value)
            : FinFail<int>(new FoldSpecInvalid(path, $"{value} is out of range"));

    // ---- checking -------------------------------------------------------------------------------------------

    /// <summary>Checks what can be checked without data; <paramref name="path"/> prefixes the keys that errors
    /// name (folds.k, folds.inner.walk_forward.gap).</summary>
    public static Fin<FoldSpec> Validate(FoldSpec spec, string path = "folds") =>
        Check(spec, path).Bind(_ => spec.Inner is { } inner
            ? Check(inner, Sub(path, "inner")).Bind(_ => InnerFits(spec, inner, Sub(path, "inner")))
            : FinSucc(unit))
        .Map(_ => spec);

    private static Fin<Unit> Check(FoldSpec spec, string path)
    {
        var walkForward = spec.Kind == FoldKind.WalkForward;
        var shuffled = spec.Shuffle && !walkForward;
        var wf = spec.WalkForward;
        (string Key, string Detail)? problem =
            !Enum.IsDefined(spec.Kind) ? (Sub(path, "kind"), $"{(int)spec.Kind} is not a fold kind")
            : spec.Folds < 2 ? (Sub(path, "k"), $"must be at least 2, got {spec.Folds}")
            : spec.Repeats < 1 ? (Sub(path, "repeats"), $"must be at least 1, got {spec.Repeats}")
            : walkForward && spec.Repeats > 1 ? (Sub(path, "repeats"), "walk-forward folds are fixed by time, so every repeat would be the same; use repeats: 1")
            : walkForward && spec.Shuffle ? (Sub(path, "shuffle"), "walk-forward folds keep time order; use shuffle: false")
            : !shuffled && spec.Repeats > 1 ? (Sub(path, "repeats"), $"without shuffle every repeat gives the same folds; use shuffle: true or repeats: 1")
            : !walkForward && wf is not null ? (Sub(path, "walk_forward"), $"only used when kind is walk_forward, and kind is {Text(spec.Kind)}")
            : wf is null ? null
            : !Enum.IsDefined(wf.Window) ? (Sub(path, "walk_forward.window"), $"{(int)wf.Window} is not a window kind")
            : wf.Horizon is < 1 ? (Sub(path, "walk_forward.horizon"), $"must be at least 1 time point, got {wf.Horizon}")
            : wf.Gap < 0 ? (Sub(path, "walk_forward.gap"), $"must be 0 or more, got {wf.Gap}")
            : wf.MinTrain < 0 ? (Sub(path, "walk_forward.min_train"), $"must be 0 or more, got {wf.MinTrain}")
            : wf.Window == WindowKind.Sliding && wf.TrainSize is null ? (Sub(path, "walk_forward.train_size"), "is required for window: sliding (the number of time points to train on)")
            : wf.Window == WindowKind.Expanding && wf.TrainSize is not null ? (Sub(path, "walk_forward.train_size"), "is only used with window: sliding; an expanding window trains on every earlier time point")
            : wf.TrainSize is < 1 ? (Sub(path, "walk_forward.train_size"), $"must be at least 1 time point, got {wf.TrainSize}")
            : wf.TrainSize < wf.MinTrain ? (Sub(path, "walk_forward.train_size"), $"{wf.TrainSize} is less than min_train ({wf.MinTrain}), so no fold could train")
            : null;
        return problem is { } p ? FinFail<Unit>(new FoldSpecInvalid(p.Key, p.Detail)) : FinSucc(unit);
    }

    private static Fin<Unit> InnerFits(FoldSpec outer, FoldSpec inner, string path)
    {
        (string Key, string Detail)? problem =
            inner.Inner is not null ? (Sub(path, "inner"), "only one level of nesting is supported")
            : inner.Repeats != 1 ? (Sub(path, "repeats"), "repeats apply to the outer folds; the inner spec must have 1")
            : inner.Production ? (Sub(path, "production"), "production applies to the outer plan; the inner spec must not set it")
            : inner.Seed != outer.Seed ? (Sub(path, "seed"), $"inner folds take their seeds from the outer seed ({outer.Seed}); the inner spec must have the same seed, got {inner.Seed}")
            : null;
        return problem is { } p ? FinFail<Unit>(new FoldSpecInvalid(p.Key, p.Detail)) : FinSucc(unit);
    }

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
