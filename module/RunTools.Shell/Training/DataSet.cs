using System.Collections.Immutable;
using System.Globalization;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Tables;
using RunTools.Training;

namespace RunTools.Shell.Training;

/// <summary>A run's data, read from the data file its manifest recorded and checked against the recorded hash.</summary>
/// <param name="RowKeys">The id column's values as text, or the row numbers (from 0) when there is no id column.</param>
/// <param name="Hash">The data file's hash, computed when it was loaded (and equal to the one New-Run recorded).</param>
public sealed record DataSet(
    InputFile Input,
    FileHash Hash,
    Table Table,
    DataSchema Schema,
    Seq<string> RowKeys,
    Seq<FeatureSource> Features,
    FeatureSource? Label,
    FeatureSource? Group,
    FeatureSource? Time);

public static class DataSets
{
    /// <summary>
    /// Reads the run's data with the roles <paramref name="schema"/> gives its columns (<see cref="DataSchema.Read"/>,
    /// checked with the stage's other settings before anything is read): <c>data.input</c> names the file (the path as
    /// given to New-Run) when the run has several data files; otherwise the first CSV/Parquet input. The file must
    /// still have the hash New-Run recorded: a run trains on the data it was created with, or not at all.
    /// </summary>
    public static Fin<DataSet> Load(RunManifest manifest, DataSchema schema) => Load(manifest, schema, withFeatures: true);

    /// <summary><see cref="Load(RunManifest, DataSchema)"/> without the features: only the id, label, group and time
    /// columns are parsed (what a fold plan needs), and <see cref="DataSet.Features"/> is empty. With none of those
    /// configured, the whole file is read (its rows are still needed).</summary>
    public static Fin<DataSet> LoadRoles(RunManifest manifest, DataSchema schema) => Load(manifest, schema, withFeatures: false);

    static Fin<DataSet> Load(RunManifest manifest, DataSchema schema, bool withFeatures) =>
        from input in ChooseInput(manifest)
        from hash in CheckHash(input)
        let roles = toSeq(new[] { schema.Id, schema.Label, schema.Group, schema.Time }.OfType<string>().ToArray())
        from table in withFeatures || roles.IsEmpty
            ? RunTools.Shell.Tables.TableFiles.Read(input.FullPath)
            : RunTools.Shell.Tables.TableFiles.ReadColumns(input.FullPath, roles)
        from keys in RowKeys(table, schema.Id, input.Path)
        from features in (withFeatures ? manifest.FeatureList.Items : Seq<string>()).Map(f => Source(table, f, input.Path)).Sequence()
        from label in OptionalColumn(schema.Label, l => Column(table, l, input.Path).Bind(c => ColumnRoles.Label(c, input.Path)))
        from grp in OptionalColumn(schema.Group, g => Column(table, g, input.Path).Bind(c => ColumnRoles.Group(c, input.Path)))
        from time in OptionalColumn(schema.Time, t => Column(table, t, input.Path).Bind(c => ColumnRoles.Time(c, input.Path)))
        select new DataSet(input, hash, table, schema, keys, features, label.ToNullable(), grp.ToNullable(), time.ToNullable());

    /// <summary>A column the config may name: Fin cannot hold null, so "not configured" is None until the end.</summary>
    static Fin<Option<FeatureSource>> OptionalColumn(string? name, Func<string, Fin<FeatureSource>> read) =>
        name is null ? FinSucc(Option<FeatureSource>.None) : read(name).Map(Some);

    /// <summary>The run's data file a fold plan or a training reads (<c>data.input</c>, else the first CSV/Parquet input).</summary>
    public static Fin<InputFile> ChooseInput(RunManifest manifest)
    {
        var named = ConfigRead.OptionalString(manifest.Config, "data.input");
        return named.Bind(name => name.Match(
            Some: n => manifest.Inputs.Find(i => i.Path == n || i.FullPath == n || Path.GetFileName(i.Path) == n)
                .ToFin(new ConfigValueInvalid("data.input", $"'{n}' is not one of the run's data files ({string.Join(", ", manifest.Inputs.Map(i => i.Path))})")),
            None: () => manifest.Inputs.Find(i => i.Format != DataFormat.Other)
                .ToFin(new DataFileNotFound($"a CSV or Parquet data file in run '{manifest.Name}' (give one with New-Run -DataPath)"))));
    }

    static Fin<FileHash> CheckHash(InputFile input)
    {
        if (!File.Exists(input.FullPath)) return FinFail<FileHash>(new DataFileNotFound(input.FullPath));
        return FileInspector.Hash(input.FullPath, input.FullPath).Bind(now => now.Sha256 == input.Sha256
            ? FinSucc(now)
            : FinFail<FileHash>(new DataFileChanged(input.FullPath, input.Sha256, now.Sha256)));
    }

    static Fin<Seq<string>> RowKeys(Table table, string? id, string path)
    {
        if (id is null) return toSeq(Enumerable.Range(0, table.RowCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        return from column in Column(table, id, path)
               from keys in ColumnRoles.Keys(column, path)
               from _ in keys.Any(k => k is null)
                   ? FinFail<Unit>(new DataFileInvalid(path, $"the id column '{id}' has {keys.Count(k => k is null)} empty values"))
                   : FinSucc(unit)
               select toSeq(keys.Select(k => k!).ToArray());
    }

    static Fin<Column> Column(Table table, string name, string path) =>
        table.Column(name).ToFin(new ColumnsMissing(path, Seq1(name)));

    /// <summary>A feature (<see cref="ColumnRoles.Feature"/>): numbers, integers and booleans are numeric, text is
    /// categorical; a date, timestamp or unsupported column is refused, saying what to do instead.</summary>
    public static Fin<FeatureSource> Source(Table table, string name, string path) =>
        Column(table, name, path).Bind(c => ColumnRoles.Feature(c, path));

    /// <summary>Column values as text (null when missing): what fold plans stratify and group by (see
    /// <see cref="ColumnRoles.Texts"/>).</summary>
    public static string?[] Texts(Column column) => ColumnRoles.Texts(column);
}
