using System.Text.RegularExpressions;

namespace RunTools.Domain;

/// <summary>Smart constructors for the constrained names a run uses. A value of these types is valid by
/// construction, so nothing downstream checks again.</summary>
public static partial class Names
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}\z")]
    private static partial Regex MetricPattern();

    /// <summary>A run key: the part of the directory name the user chooses (1-64 characters: letters, digits,
    /// '.', '_', '-'; starts with a letter or digit; no '..').</summary>
    public static Fin<RunKey> RunKey(string? value) =>
        Check("run key", value, KeyPattern(), "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
            .Map(v => new RunKey(v));

    /// <summary>A stage name, under the same rules as a run key (it names files such as logs/&lt;stage&gt;.log).</summary>
    public static Fin<StageName> StageName(string? value) =>
        Check("stage name", value, KeyPattern(), "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
            .Map(v => new StageName(v));

    /// <summary>A metric name (up to 128 characters; may use '/', ':' and '.' to group, as in <c>val/auc</c>).</summary>
    public static Fin<string> MetricName(string? value) =>
        Check("metric name", value, MetricPattern(), "use 1-128 letters, digits, '.', '_', '-', ':' or '/', starting with a letter or digit");

    static Fin<string> Check(string what, string? value, Regex pattern, string rule) =>
        value is null || !pattern.IsMatch(value) || value.Contains("..")
            ? FinFail<string>(new InvalidName(what, value ?? "", rule))
            : FinSucc(value);
}

public sealed record RunKey
{
    internal RunKey(string value) => Value = value;
    public string Value { get; }
    public override string ToString() => Value;
}

public sealed record StageName
{
    internal StageName(string value) => Value = value;
    public string Value { get; }
    public override string ToString() => Value;
}

/// <summary>A path relative to a run directory that cannot escape it: forward slashes, no '.' or '..' segments,
/// not rooted. The shell turns absolute paths into relative ones before constructing this.</summary>
public sealed record RunRelativePath
{
    RunRelativePath(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <param name="path">A relative path with '/' or '\' separators.</param>
    /// <param name="runPath">The run directory, only for the error message.</param>
    public static Fin<RunRelativePath> Create(string path, string runPath)
    {
        if (string.IsNullOrWhiteSpace(path)) return FinFail<RunRelativePath>(new InvalidName("path", path ?? "", "the path is empty"));
        if (path.IndexOf('\0') >= 0) return FinFail<RunRelativePath>(new InvalidName("path", path, "the path contains a NUL character"));
        var unified = path.Replace('\\', '/');
        if (unified.StartsWith('/') || (unified.Length >= 2 && unified[1] == ':'))
            return FinFail<RunRelativePath>(new PathOutsideRun(path, runPath));

        var segments = new List<string>();
        foreach (var segment in unified.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (segments.Count == 0) return FinFail<RunRelativePath>(new PathOutsideRun(path, runPath));
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                default:
                    segments.Add(segment);
                    continue;
            }
        }
        if (segments.Count == 0)
            return FinFail<RunRelativePath>(new InvalidName("path", path, "the path names the run directory itself"));
        // Checked again after normalising: "./C:/x" or "a/../C:/x" become a drive path on Windows.
        if (segments[0].Length >= 2 && segments[0][1] == ':')
            return FinFail<RunRelativePath>(new PathOutsideRun(path, runPath));
        return FinSucc(new RunRelativePath(string.Join('/', segments)));
    }
}
