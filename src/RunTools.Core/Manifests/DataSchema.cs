using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Manifests;

/// <summary>The data a run is about: its label and features.</summary>
public sealed record DataSchema(string? Label, Seq<string> Features, string? Id, string? Group, string? Time)
{
    /// <summary>The keys of the config's <c>data</c> section: the roles read here, and <c>input</c> (which data file
    /// the stages read when a run has several; read by the shell's data loader).</summary>
    public static readonly Seq<string> Keys = Seq("label", "features", "id", "group", "time", "exclude", "input");

    /// <summary>The <c>data</c> section's unknown keys (see <see cref="ConfigKeys"/>); a section that is not a map
    /// is a <see cref="ConfigValueInvalid"/>.</summary>
    public static Seq<RunError> UnknownKeys(ConfigValue config) =>
        ConfigKeys.Section(config, "data", v => new ConfigValueInvalid("data", $"expected a map of the data's roles ({string.Join(", ", Keys)}), found '{v.Display}'"))
            .Match(Right: entries => ConfigKeys.Unknown(entries, "data", Keys), Left: e => Seq1(e));

    /// <summary>
    /// Reads <c>data.label</c>, <c>data.features</c>, <c>data.id</c>, <c>data.group</c>, <c>data.time</c> and
    /// <c>data.exclude</c> from the config. Without an explicit feature list, the features are the columns of the first
    /// CSV/Parquet input other than the label, id, group, time and excluded columns. Every named column must exist in
    /// that input. Every problem is reported at once (unknown keys, each value that cannot be read; then, when all
    /// could be read, the missing columns and the columns that are both a role and a feature).
    /// </summary>
    public static Fin<DataSchema> Resolve(ConfigValue config, Seq<InputFile> inputs) => Read(config, inputs).ToFin();

    /// <summary><see cref="Resolve"/> as a check among others: every error, or the schema.</summary>
    public static Validation<Error, DataSchema> Read(ConfigValue config, Seq<InputFile> inputs) =>
        (Failures.Of(UnknownKeys(config)), Roles(config, inputs)).Apply((_, schema) => schema).OnePerTarget();

    static Validation<Error, DataSchema> Roles(ConfigValue config, Seq<InputFile> inputs) =>
        (ConfigRead.OptionalString(config, "data.label").ToValidation(),
            ConfigRead.OptionalString(config, "data.id").ToValidation(),
            ConfigRead.OptionalString(config, "data.group").ToValidation(),
            ConfigRead.OptionalString(config, "data.time").ToValidation(),
            ConfigRead.Strings(config, "data.exclude").ToValidation(),
            ConfigRead.Strings(config, "data.features").ToValidation())
        .Apply((label, id, grp, time, exclude, explicitFeatures) => (label, id, grp, time, exclude, explicitFeatures))
        .Bind(read =>
        {
            var (label, id, grp, time, exclude, explicitFeatures) = read;
            var table = inputs.Find(i => i.Format != DataFormat.Other && i.Columns.Count > 0);
            var roles = Seq(label, id, grp, time).Somes().Concat(exclude);
            var features = explicitFeatures.IsEmpty
                ? table.Map(t => t.Columns.Items.Filter(c => !roles.Contains(c))).IfNone(Seq<string>())
                : explicitFeatures;
            return (table.Match(t => CheckColumns(t, Seq(label, id, grp, time).Somes().Concat(features).Concat(exclude)), () => FinSucc(unit)).ToValidation(),
                    NoRoleAsFeature(features, Seq((label, "data.label"), (id, "data.id"), (grp, "data.group"), (time, "data.time"))))
                .Apply((_, _) => new DataSchema(label.ToNullable(), features, id.ToNullable(), grp.ToNullable(), time.ToNullable()));
        });

    /// <summary>A feature list that contains the label (or the id, group or time column) would let a model learn the
    /// answer from the question: refused, naming every such column.</summary>
    static Validation<Error, Unit> NoRoleAsFeature(Seq<string> features, Seq<(Option<string> Column, string Key)> roles)
    {
        var clashes = roles.Choose(r => r.Column.Filter(c => features.Contains(c)).Map(c => $"'{c}' is {r.Key}"));
        return clashes.IsEmpty
            ? Success<Error, Unit>(unit)
            : Fail<Error, Unit>(new ConfigValueInvalid("data.features", $"{string.Join(", ", clashes)}; a column with a role cannot also be a feature"));
    }

    static Fin<Unit> CheckColumns(InputFile table, Seq<string> required)
    {
        // A set, not a search of the list per name: every column of a wide file is required (as a feature).
        var columns = new System.Collections.Generic.HashSet<string>(table.Columns.Items, StringComparer.Ordinal);
        var missing = required.Filter(c => !columns.Contains(c)).Distinct();
        return missing.IsEmpty ? FinSucc(unit) : FinFail<Unit>(new ColumnsMissing(table.Path, missing));
    }
}
