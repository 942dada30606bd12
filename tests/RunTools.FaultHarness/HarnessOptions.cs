using System.Globalization;

namespace RunTools.FaultHarness;

/// <param name="Operation">One of <see cref="Operations.All"/>.</param>
/// <param name="Target">The run (metric, stage, artifact, repair) or the root of runs (new-run).</param>
/// <param name="Series">Makes this process's values distinct from those of every other start (metric values, output
/// contents).</param>
/// <param name="Count">Operations per thread; null: until killed.</param>
/// <param name="Threads">Writers in this process, each doing <paramref name="Count"/> operations.</param>
/// <param name="Gate">Wait for a line on stdin after "ready".</param>
/// <param name="Sources">A folder of files to add as artifacts (outside the root; only read).</param>
public sealed record HarnessOptions(string Operation, string Target, long Series, long? Count, int Threads, bool Gate, string? Sources, string Key)
{
    public static HarnessOptions? Parse(string[] args)
    {
        if (args.Length < 2) return null;
        var options = new HarnessOptions(args[0], Path.GetFullPath(args[1]), 0, null, 1, false, null, "same");
        for (var i = 2; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : "";
            long? Number() => long.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            switch (args[i])
            {
                case "--series" when Number() is { } series: options = options with { Series = series }; break;
                case "--count" when Number() is { } count: options = options with { Count = count }; break;
                case "--threads" when Number() is { } threads and > 0 and < 1000: options = options with { Threads = (int)threads }; break;
                case "--gate": options = options with { Gate = true }; break;
                case "--sources": options = options with { Sources = Path.GetFullPath(Next()) }; break;
                case "--key": options = options with { Key = Next() }; break;
                default: return null;
            }
        }
        return options;
    }
}
