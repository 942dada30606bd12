using System.Globalization;
using System.Management.Automation;
using System.Security.Cryptography;

namespace RunTools.Module.Tests;

/// <summary>
/// Data and configs for the fold-plan, training and inference tests: the shipped example data (copied into the
/// test's directory, so a test may change its copy), small configs that keep each training to seconds, and
/// readers for the tables a training writes.
/// </summary>
public static class TrainingKit
{
    public const string TrainingResult = "RunTools.Views.TrainingResult";
    public const string InferenceResult = "RunTools.Views.InferenceResult";
    public const string FoldPlanInfo = "RunTools.Views.FoldPlanInfo";

    /// <summary>Binary on patients.csv: groups never straddle folds; two candidates chosen by inner folds.</summary>
    public const string BinaryConfig = """
        data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
        folds: { kind: stratified_group, k: 3, seed: 7, production: true, inner: { kind: stratified_group, k: 2 } }
        training: { task: binary, candidates: [ { trainer: lbfgs, grid: { l2: [0.1] } }, { trainer: lightgbm, grid: { iterations: [30], leaves: [8] } } ] }
        """;

    /// <summary>Binary on patients.csv with one candidate and no inner folds: the quickest training.</summary>
    public const string QuickBinaryConfig = """
        data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
        folds: { kind: stratified_group, k: 3, seed: 7, production: true }
        training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [30], leaves: [8] } } ] }
        """;

    /// <summary>Copies examples/data/<paramref name="name"/> into the test directory; returns the full path.</summary>
    public static string CopyExample(this PowerShellHost ps, string name, string? as_ = null)
    {
        var destination = ps.PathOf(as_ ?? name);
        File.Copy(Path.Combine(Repo.Root, "examples", "data", name), destination, overwrite: true);
        return destination;
    }

    /// <summary>A copy of an example CSV with one column's values permuted (seeded): the rows keep everything else.</summary>
    public static string WriteShuffled(this PowerShellHost ps, string name, string column, string as_, int seed = 5)
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, "examples", "data", name)).Where(l => l.Length > 0).ToArray();
        var index = Array.IndexOf(lines[0].Split(','), column);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var values = rows.Select(r => r[index]).ToArray();
        new Random(seed).Shuffle(values);
        for (var i = 0; i < rows.Length; i++) rows[i][index] = values[i];
        var path = ps.PathOf(as_);
        File.WriteAllLines(path, [lines[0], .. rows.Select(r => string.Join(',', r))]);
        return path;
    }

    /// <summary>A copy of an example CSV with some columns dropped and others replaced (by a function of row and
    /// value), plus new ones.</summary>
    public static string WriteVariant(this PowerShellHost ps, string name, string as_, string[]? drop = null,
        Dictionary<string, Func<int, string, string>>? replace = null, Dictionary<string, Func<int, string>>? add = null)
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, "examples", "data", name)).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => drop is null || !drop.Contains(header[i])).ToArray();
        var output = new List<string> { string.Join(',', keep.Select(i => header[i]).Concat(add?.Keys.AsEnumerable() ?? [])) };
        for (var r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            var row = keep.Select(i => replace is not null && replace.TryGetValue(header[i], out var f) ? f(r - 1, cells[i]) : cells[i]);
            output.Add(string.Join(',', row.Concat(add?.Values.Select(f => f(r - 1)) ?? [])));
        }
        var path = ps.PathOf(as_);
        File.WriteAllLines(path, output);
        return path;
    }

    /// <summary>Creates a run named <paramref name="name"/> from a config text and a data file, as <c>$name</c>.</summary>
    public static string NewRun(this PowerShellHost ps, string name, string config, string data)
    {
        ps.Write($"{name}.yaml", config);
        var created = ps.Run($"${name} = New-Run -Name {name} -ConfigPath {name}.yaml -DataPath '{data}'; ${name}.Path");
        created.AssertNoErrors();
        return (string)created.Output.Single().BaseObject;
    }

    /// <summary>A table of a run as rows of column → value (via Import-RunTable).</summary>
    public static List<Dictionary<string, object?>> Table(this PowerShellHost ps, string run, string path)
    {
        var result = ps.Run($"Import-RunTable -Run '{run}' -Path '{path}'");
        result.AssertNoErrors();
        return result.Output.Select(Row).ToList();
    }

    public static Dictionary<string, object?> Row(PSObject o) =>
        o.Properties.ToDictionary(p => p.Name, p => (object?)(p.Value is PSObject w ? w.BaseObject : p.Value));

    public static IEnumerable<string> Columns(this List<Dictionary<string, object?>> table) => table.Count == 0 ? [] : table[0].Keys;

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The relative paths of every file under a run's subdirectory.</summary>
    public static string[] Files(string run, string directory) =>
        Directory.Exists(Path.Combine(run, directory))
            ? Directory.GetFiles(Path.Combine(run, directory), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(run, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The outer test rows of the plan: row key → outer fold.</summary>
    public static Dictionary<string, long> TestFolds(this PowerShellHost ps, string run, string plan = "folds") =>
        ps.Table(run, $"folds/{plan}.parquet")
            .Where(r => (string)r["role"]! == "test")
            .ToDictionary(r => Key(r["row_key"]), r => (long)r["outer_fold"]!);

    /// <summary>The outer training rows of one fold of the plan (the production fold is -1).</summary>
    public static HashSet<string> TrainKeys(this PowerShellHost ps, string run, long outer, string plan = "folds") =>
        ps.Table(run, $"folds/{plan}.parquet")
            .Where(r => (long)r["outer_fold"]! == outer && (long)r["inner_fold"]! == -1 && (string)r["role"]! == "train")
            .Select(r => Key(r["row_key"])).ToHashSet();

    /// <summary>A row key as text: the id column's value (whatever its type), or the row index without an id column.</summary>
    /// <summary>A row key as text: a UTC timestamp key (row_key has the id column's type) in ISO-8601.</summary>
    public static string Key(object? value) => value is DateTime { Kind: DateTimeKind.Utc } instant
        ? instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : Convert.ToString(value, CultureInfo.InvariantCulture)!;

    public static double Number(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    /// <summary>The run's metrics as Get-Run shows them.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(this PowerShellHost ps, string run)
    {
        var info = Expect.Single(ps.Run($"Get-Run -Path '{run}'"), Expect.RunInfo);
        return (IReadOnlyDictionary<string, double>)info.Get("Metrics")!;
    }
}
