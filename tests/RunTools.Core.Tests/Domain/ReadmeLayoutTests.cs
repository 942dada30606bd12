using System.Reflection;
using System.Text.RegularExpressions;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Tests.Domain;

/// <summary>
/// The README's two layout blocks (the run directory, and what a fold plan and a training write) name exactly the
/// files and folders <see cref="RunLayout"/> names: each block is parsed (a tree of names, comma-separated names per
/// line, descriptions after two spaces, wrapped descriptions indented), its placeholders (&lt;stage&gt;, &lt;fold&gt;, ...)
/// replaced by sample values, and compared with what RunLayout gives for the same values; and every name RunLayout
/// and TrainingLayout declare appears in them.
/// </summary>
public sealed partial class ReadmeLayoutTests
{
    static readonly (string Placeholder, string Sample)[] Samples =
    [
        ("<stage>", "prepare"), ("<sha256>", new string('a', 64)), ("<host>", "box"), ("<pid>", "12"), ("<name>", "time"), ("<fold>", "r0_f1"),
        ("<part>", "model"), ("<key>", new string('a', 64)), ("<entry>", "e1"),
    ];

    const string Stage = "prepare", Sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Plan = "time", Fold = "r0_f1";

    static readonly string RunDirectory = RunCommands.DirectoryName(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero),
        Names.RunKey("baseline").Match(k => k, e => throw new InvalidOperationException(e.Message)), 1);

    /// <summary>What RunLayout names, with the samples: run-relative paths under runs/&lt;run&gt;/, the root's under runs/.</summary>
    static readonly string[] RunDirectoryNames =
    [
        .. new[]
        {
            RunLayout.Manifest, RunLayout.Events, RunLayout.ResolvedConfig, RunLayout.Overrides, RunLayout.LogFor(Stage), RunLayout.Sidecar(Sha),
            RunLayout.Sidecar(Sha, ".jsonl"), RunLayout.Artifacts + "/", RunLayout.InferencePredictions, RunLayout.InferenceHoldout, RunLayout.HeartbeatFor("box", 12),
            RunLayout.Lock, RunLayout.LockQueue + "/",
        }.Select(p => $"runs/{RunDirectory}/{p}"),
        $"runs/{RunLayout.RootWorkArea}/", $"runs/{RunLayout.RootWorkArea}/{RunLayout.Staging}/", $"runs/{RunLayout.RootWorkArea}/{RunLayout.Trash}/",
        $"runs/{RunLayout.StageCacheEntry(Sha, "e1")}",
        $"runs/{RunLayout.RunIndexFile(RunLayout.RunIndexSnapshot)}", $"runs/{RunLayout.RunIndexFile(RunLayout.RunIndexJournal)}",
    ];

    static readonly TrainingLayout Training = RunLayout.Training(RunLayout.DefaultTrainingStage);

    static readonly string[] TrainingNames =
    [
        RunLayout.FoldPlan(Plan).Parquet, RunLayout.FoldPlan(Plan).Summary, Training.ModelJson(Fold), Training.ModelPart(Fold, "model.zip"),
        Training.Inner(Fold), Training.Predictions, Training.Conformal(Fold), Training.Smote(Fold), Training.FoldMetrics, Training.SummaryMetrics,
        Training.BestModels, Training.Settings,
    ];

    [Fact]
    public void The_run_directory_block_names_what_RunLayout_names() =>
        Assert.Equal(RunDirectoryNames.Order(StringComparer.Ordinal), Entries(Block("## The run directory")).Order(StringComparer.Ordinal));

    [Fact]
    public void The_training_block_names_what_RunLayout_names() =>
        Assert.Equal(TrainingNames.Order(StringComparer.Ordinal), Entries(Block("Training writes:")).Order(StringComparer.Ordinal));

    /// <summary>Names that are not files or folders: stage and plan names (the default plan's name is also its
    /// folder's).</summary>
    static readonly string[] NotPaths = [nameof(RunLayout.DefaultTrainingStage), nameof(RunLayout.InferenceStage), nameof(RunLayout.DefaultFoldPlan)];

    [Fact]
    public void Every_name_RunLayout_declares_is_in_the_README()
    {
        var segments = Entries(Block("## The run directory")).Concat(Entries(Block("Training writes:")))
            .SelectMany(p => p.Split('/')).ToHashSet(StringComparer.Ordinal);
        var declared = new[] { typeof(RunLayout), typeof(TrainingLayout) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            .Where(f => !NotPaths.Contains(f.Name))
            .Select(f => (f.Name, Value: (string)f.GetRawConstantValue()!))
            .ToArray();

        Assert.NotEmpty(declared);
        Assert.All(declared, d => Assert.True(segments.Contains(d.Value), $"{d.Name} ('{d.Value}') is not in the README's layout blocks"));
    }

    /// <summary>The lines of the first code block after the line that contains <paramref name="heading"/>.</summary>
    static string[] Block(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var at = System.Array.FindIndex(lines, l => l.Contains(heading, StringComparison.Ordinal));
        Assert.True(at >= 0, $"README.md has no line with '{heading}'");
        var start = System.Array.FindIndex(lines, at, l => l.StartsWith("```", StringComparison.Ordinal)) + 1;
        var end = System.Array.FindIndex(lines, start, l => l.StartsWith("```", StringComparison.Ordinal));
        return lines[start..end];
    }

    /// <summary>The paths a block names: each line's names before its description (two spaces), comma-separated, under
    /// the folders of the lines above it that are indented less; lines indented as far as descriptions are wrapped
    /// descriptions. Placeholders are replaced by the samples.</summary>
    static IEnumerable<string> Entries(string[] block)
    {
        var parents = new Stack<(int Indent, string Path)>();
        foreach (var line in block)
        {
            var indent = line.Length - line.TrimStart().Length;
            if (line.Trim().Length == 0 || indent >= 20) continue; // a wrapped description
            var names = Column().Split(line.Trim())[0];
            while (parents.Count > 0 && parents.Peek().Indent >= indent) parents.Pop();
            var under = parents.Count > 0 ? parents.Peek().Path : "";
            foreach (var name in names.Split(", "))
            {
                var path = under + Samples.Aggregate(name.Trim(), (text, s) => text.Replace(s.Placeholder, s.Sample, StringComparison.Ordinal));
                if (path.EndsWith('/')) parents.Push((indent, path));
                // The root and the run's own folder are where the names are, not names of RunLayout's.
                if (path != "runs/" && path != $"runs/{RunDirectory}/") yield return path;
            }
        }
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex Column();

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RunTools.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
