using System.Globalization;
using System.Text.RegularExpressions;

namespace RunTools.Domain;

/// <summary>The SMOTE variants a training trains (<c>training.smote</c>). Their names are part of the run's layout:
/// a fold id ends in <c>_smote</c>, and with both variants trained a summary metric is <c>cv/&lt;variant&gt;/&lt;metric&gt;</c>.</summary>
public static class SmoteVariant
{
    public const string None = "none";
    public const string Smote = "smote";
}

/// <summary>
/// A fold as it names a training's files and models: <c>r&lt;repeat&gt;_f&lt;outer&gt;</c> for an outer fold
/// (<c>r0_f2</c>), <c>production</c> for the production fold (every row in training), followed by
/// <c>_&lt;variant&gt;</c> unless the variant is <see cref="SmoteVariant.None"/> (<c>r0_f2_smote</c>). Built with
/// the constructor or <see cref="Production"/>, read back with <see cref="Parse"/>; <see cref="ToString"/> is the id.
/// </summary>
/// <param name="Outer">The outer fold, from 0; negative for the production fold (whose repeat is 0).</param>
public sealed partial record FoldId(int Repeat, int Outer, string Variant)
{
    /// <summary>The production fold's id (with no SMOTE): the model Invoke-RunInference uses unless told otherwise.</summary>
    public const string ProductionName = "production";

    public static FoldId Production(string variant = SmoteVariant.None) => new(0, -1, variant);

    public bool IsProduction => Outer < 0;

    public override string ToString() =>
        (IsProduction ? ProductionName : string.Create(CultureInfo.InvariantCulture, $"r{Repeat}_f{Outer}"))
        + (Variant == SmoteVariant.None ? "" : "_" + Variant);

    /// <summary>The fold an id names; None for anything <see cref="ToString"/> does not write (a leading zero, an
    /// explicit <c>_none</c>, another name), so that an id round-trips exactly.</summary>
    public static Option<FoldId> Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success) return None;
        var variant = match.Groups["variant"].Success ? match.Groups["variant"].Value : SmoteVariant.None;
        if (match.Groups["variant"].Success && variant == SmoteVariant.None) return None;
        return match.Groups["repeat"].Success
            ? new FoldId(int.Parse(match.Groups["repeat"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["outer"].Value, CultureInfo.InvariantCulture), variant)
            : Production(variant);
    }

    [GeneratedRegex(@"^(?:r(?<repeat>0|[1-9][0-9]{0,8})_f(?<outer>0|[1-9][0-9]{0,8})|production)(?:_(?<variant>[a-z][a-z0-9]*))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Which statistic of a metric across the outer folds a summary metric holds.</summary>
public enum SummaryStatistic { Mean, Sd, Lower95, Upper95 }

/// <summary>
/// A training's summary metric as the run records it:
/// <c>[&lt;stage&gt;/]cv/[&lt;variant&gt;/]&lt;metric&gt;[/sd|/lower95|/upper95]</c>. The stage part is absent for the
/// default training stage (<see cref="RunLayout.DefaultTrainingStage"/>), the variant part unless both SMOTE variants
/// were trained, the statistic part for the mean.
/// </summary>
public sealed record CvMetricName(string Stage, string? Variant, string Metric, SummaryStatistic Statistic = SummaryStatistic.Mean)
{
    public const string Prefix = "cv";

    public override string ToString() =>
        RunLayout.Training(Stage).MetricPrefix + (Variant is null ? "" : Variant + "/") + Metric + Suffix(Statistic);

    /// <summary>The name after the stage's prefix: <c>auc</c>, <c>smote/auc</c>, <c>auc/sd</c>.</summary>
    public string Local => (Variant is null ? "" : Variant + "/") + Metric + Suffix(Statistic);

    static string Suffix(SummaryStatistic statistic) => statistic switch
    {
        SummaryStatistic.Mean => "",
        SummaryStatistic.Sd => "/sd",
        SummaryStatistic.Lower95 => "/lower95",
        SummaryStatistic.Upper95 => "/upper95",
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, null),
    };

    static Option<SummaryStatistic> StatisticOf(string segment) => segment switch
    {
        "sd" => SummaryStatistic.Sd,
        "lower95" => SummaryStatistic.Lower95,
        "upper95" => SummaryStatistic.Upper95,
        _ => None,
    };

    /// <summary>What a metric name says, when it is a training's summary metric; None for any other metric (the user's
    /// own <c>val/auc</c>, a name with no metric after <c>cv/</c>).</summary>
    public static Option<CvMetricName> Parse(string name)
    {
        var parts = name.Split('/');
        (string Stage, string[] Tail) split = parts switch
        {
            [Prefix, .. var r] => (RunLayout.DefaultTrainingStage, r),
            [var s, Prefix, .. var r] when s != RunLayout.DefaultTrainingStage => (s, r),
            _ => ("", []),
        };
        var (stage, rest) = split;
        if (rest.Length == 0 || rest.Any(p => p.Length == 0)) return None;
        var statistic = StatisticOf(rest[^1]);
        var body = statistic.IsSome ? rest[..^1] : rest;
        return body switch
        {
            [var metric] => new CvMetricName(stage, null, metric, statistic.IfNone(SummaryStatistic.Mean)),
            [var variant, var metric] => new CvMetricName(stage, variant, metric, statistic.IfNone(SummaryStatistic.Mean)),
            _ => None,
        };
    }
}

/// <summary>
/// The files and folders one training stage writes, relative to the run. The default stage (<c>train</c>) writes at
/// the run's top level and its metrics are <c>cv/...</c>; another training stage in the same run writes under
/// <c>&lt;stage&gt;/</c> and its metrics are <c>&lt;stage&gt;/cv/...</c>, so two trainings never overwrite each other.
/// Fold arguments are fold ids as text (<see cref="FoldId.ToString"/>, or a model name given to Invoke-RunInference).
/// </summary>
public sealed record TrainingLayout
{
    public const string ModelsFolder = "models";
    public const string InnerFolder = "inner";
    public const string ConformalFolder = "conformal";
    public const string SmoteFolder = "smote";
    public const string PredictionsFolder = "predictions";
    public const string MetricsFolder = "metrics";
    public const string ModelFile = "model.json";
    public const string OutOfFoldFile = "oof.parquet";
    public const string FoldMetricsFile = "folds.parquet";
    public const string SummaryMetricsFile = "summary.parquet";
    public const string BestModelsFile = "best_models.json";
    public const string SettingsFile = "training.json";

    public TrainingLayout(string stage)
    {
        Stage = stage;
        Folder = stage == RunLayout.DefaultTrainingStage ? "" : stage + "/";
    }

    public string Stage { get; }

    /// <summary>Where the stage's files are: "" for the default stage, else <c>&lt;stage&gt;/</c>.</summary>
    public string Folder { get; }

    /// <summary><c>models</c>: one folder per fold's model.</summary>
    public string Models => Folder + ModelsFolder;

    /// <summary><c>models/&lt;fold&gt;</c>: a fold's model bundle (model.json and one zip per part).</summary>
    public string Model(string fold) => $"{Models}/{fold}";

    /// <summary><c>models/&lt;fold&gt;/model.json</c>: the bundle's description, which names its parts' files.</summary>
    public string ModelJson(string fold) => $"{Model(fold)}/{ModelFile}";

    /// <summary><c>models/&lt;fold&gt;/&lt;file&gt;</c>: a file of a fold's model bundle.</summary>
    public string ModelPart(string fold, string file) => $"{Model(fold)}/{file}";

    /// <summary><c>inner/&lt;fold&gt;.parquet</c>: every candidate's scores on the fold's inner folds.</summary>
    public string Inner(string fold) => $"{Folder}{InnerFolder}/{fold}.parquet";

    /// <summary><c>conformal/&lt;fold&gt;.parquet</c>: regression's calibration residuals and quantile.</summary>
    public string Conformal(string fold) => $"{Folder}{ConformalFolder}/{fold}.parquet";

    /// <summary><c>smote/&lt;fold&gt;.parquet</c>: SMOTE's audit trail (each synthetic row's source rows).</summary>
    public string Smote(string fold) => $"{Folder}{SmoteFolder}/{fold}.parquet";

    /// <summary><c>predictions/oof.parquet</c>: the out-of-fold predictions of every outer fold.</summary>
    public string Predictions => $"{Folder}{PredictionsFolder}/{OutOfFoldFile}";

    /// <summary><c>metrics/folds.parquet</c>: every outer fold's metrics.</summary>
    public string FoldMetrics => $"{Folder}{MetricsFolder}/{FoldMetricsFile}";

    /// <summary><c>metrics/summary.parquet</c>: each metric's mean, sd and 95% interval across outer folds.</summary>
    public string SummaryMetrics => $"{Folder}{MetricsFolder}/{SummaryMetricsFile}";

    /// <summary><c>best_models.json</c>: the candidates selected for every fold.</summary>
    public string BestModels => Folder + BestModelsFile;

    /// <summary><c>training.json</c>: the effective settings and the hashes of the data and plan.</summary>
    public string Settings => Folder + SettingsFile;

    /// <summary>Every folder the stage writes into (not <see cref="Folder"/> itself, which may be the run's top
    /// level): after a failure, the files found here since the stage started are its partial results.</summary>
    public Seq<string> Folders =>
        Seq(ModelsFolder, InnerFolder, ConformalFolder, SmoteFolder, PredictionsFolder, MetricsFolder).Map(f => Folder + f);

    /// <summary>The prefix of the stage's summary metrics: <c>cv/</c>, or <c>&lt;stage&gt;/cv/</c>.</summary>
    public string MetricPrefix => $"{Folder}{CvMetricName.Prefix}/";

    /// <summary>A summary metric of this stage (see <see cref="CvMetricName"/>).</summary>
    /// <param name="variant">Only when both SMOTE variants were trained.</param>
    public string Metric(string metric, string? variant = null, SummaryStatistic statistic = SummaryStatistic.Mean) =>
        new CvMetricName(Stage, variant, metric, statistic).ToString();

    /// <summary>The model (fold id) whose model.json a path is, e.g. <c>r0_f2</c> for <c>models/r0_f2/model.json</c>;
    /// null for any other path.</summary>
    public string? ModelOf(string path)
    {
        var prefix = Models + "/";
        var suffix = "/" + ModelFile;
        if (path.Length <= prefix.Length + suffix.Length || !path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(suffix, StringComparison.Ordinal))
            return null;
        var model = path[prefix.Length..^suffix.Length];
        return model.Contains('/') ? null : model;
    }
}

/// <summary>The files of a stored fold plan (New-RunFoldPlan): <c>folds/&lt;name&gt;.parquet</c> (one row per
/// repeat, outer fold, inner fold and row) and <c>folds/&lt;name&gt;.json</c> (settings, content hash, per-fold counts),
/// made by the stage <see cref="Stage"/>.</summary>
public sealed record FoldPlanLayout(string Name)
{
    public string Parquet => $"{RunLayout.FoldPlans}/{Name}.parquet";

    public string Summary => $"{RunLayout.FoldPlans}/{Name}.json";

    /// <summary>The stage that makes the plan: <c>folds</c> for the default plan, else <c>folds-&lt;name&gt;</c>.</summary>
    public string Stage => Name == RunLayout.DefaultFoldPlan ? RunLayout.FoldPlans : $"{RunLayout.FoldPlans}-{Name}";

    public Seq<string> Files => Seq(Parquet, Summary);
}
