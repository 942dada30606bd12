using LanguageExt.Common;

namespace RunTools.Shell.Tests;

/// <summary>A temporary directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "runtools-shell-tests", Guid.NewGuid().ToString("N")[..12]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Expect
{
    public static T Succ<T>(Fin<T> fin) =>
        fin.Match(Succ: v => v, Fail: e => throw new Xunit.Sdk.XunitException($"Expected success, got the error: {e}"));

    public static Error Fail<T>(Fin<T> fin) =>
        fin.Match(Succ: v => throw new Xunit.Sdk.XunitException($"Expected an error, got the value: {v}"), Fail: e => e);

    /// <summary>Asserts the error is exactly <paramref name="expected"/> (same record type and fields).</summary>
    public static void Error<TError, T>(TError expected, Fin<T> fin) where TError : Error =>
        Assert.Equal(expected, Assert.IsType<TError>(Fail(fin)));
}
