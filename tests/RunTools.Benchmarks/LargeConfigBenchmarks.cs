using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using RunTools.Config;
using RunTools.Shell.Store;
using RunTools.Views;
using YamlDotNet.RepresentationModel;

namespace RunTools.Benchmarks;

/// <summary>
/// New-Run with a 10 MB YAML config (60,000 experiments of a name, two numbers, a list and a list of maps: about 15
/// nodes each, 900,000 in all), against the least any tool must do with that file: parse it with YamlDotNet's
/// representation model (<c>YamlStream.Load</c>, which RunTools used before it read YAML events itself).
/// <list type="bullet">
/// <item><b>RunTools parse</b>: <see cref="ConfigParser.Parse(string, string, ConfigFormat)"/> alone (the text to a
/// checked value within the limits).</item>
/// <item><b>RunTools New-Run</b>: what New-Run does, without data or git: read and parse the file, resolve, build the
/// created event (canonical SHA-256 of the config), write config_resolved.yaml, config_overrides.yaml, events.jsonl,
/// run.json and the config's sidecar (fsynced), rename the staging directory into place, and make the RunInfo the
/// cmdlet emits (every leaf as a parameter).</item>
/// </list>
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
[MemoryDiagnoser]
public class LargeConfigBenchmarks
{
    string root = "", config = "", text = "";

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(Path.GetTempPath(), "runtools-bench-config");
        Directory.CreateDirectory(directory);
        config = Path.Combine(directory, "large.yaml");
        if (!File.Exists(config)) Write(config);
        text = File.ReadAllText(config);
        root = Path.Combine(directory, "runs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Console.WriteLine($"// {config}: {new FileInfo(config).Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    /// <summary>About 10 MB: experiments with a name, a learning rate, a depth, tags and a grid of maps.</summary>
    public static void Write(string path)
    {
        var random = new Random(1);
        var sb = new StringBuilder("model:\n  trees: 100\n  lr: 0.1\ndata:\n  label: y\nexperiments:\n");
        for (var i = 0; sb.Length < 10_000_000; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  exp_{i:000000}:\n");
            sb.Append(CultureInfo.InvariantCulture, $"    name: experiment number {i}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    lr: {random.NextDouble():0.000000}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    depth: {random.Next(1, 13)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    tags: [alpha, beta, gamma_{i % 97}]\n");
            sb.Append("    grid:\n      - {l2: 0.1, l1: 0.0}\n      - {l2: 1.0, l1: 0.5}\n");
        }
        File.WriteAllText(path, sb.ToString());
    }

    [Benchmark(Baseline = true, Description = "YamlDotNet YamlStream.Load")]
    public int YamlStreamLoad()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count;
    }

    [Benchmark(Description = "RunTools parse (ConfigParser.Parse)")]
    public bool Parse() => ConfigParser.Parse(text, "large.yaml", ConfigFormat.Yaml).IsSucc;

    [Benchmark(Description = "RunTools New-Run (plan + create + RunInfo, no data, no git)")]
    public int NewRun()
    {
        var request = new NewRunRequest(root, "large", Seq1((config, config)), [], [], [], [], root, "7.6.9");
        return RunFactory.Plan(request).Bind(RunFactory.Execute)
            .Map(m => RunInfo.Of(m, m.Path!, m.Status, Seq<RunTools.Manifests.ProcessInfo>()).Params.Count)
            .Match(n => n, e => throw new InvalidOperationException(e.Message));
    }
}
