using System.Buffers;
using System.Text;
using System.Text.Json;
using LanguageExt.Common;
using RunTools.Config;

namespace RunTools.Tests.Config;

/// <summary>Short constructors for expected config trees.</summary>
internal static class V
{
    public static ConfigValue Null => ConfigNull.Instance;
    public static ConfigValue B(bool value) => new ConfigBool(value);
    public static ConfigValue I(long value) => new ConfigInt(value);
    public static ConfigValue F(double value) => new ConfigFloat(value);
    public static ConfigValue S(string value) => new ConfigString(value);
    public static ConfigValue L(params ConfigValue[] items) => new ConfigList(toSeq(items));

    public static ConfigMap M(params (string Key, ConfigValue Value)[] entries) =>
        new(toSeq(entries.Select(e => new ConfigEntry(e.Key, e.Value)).ToArray()));
}

internal static class Expect
{
    /// <summary>The success value, or a test failure that shows the error.</summary>
    public static T Succ<T>(Fin<T> fin) =>
        fin.Match(Succ: v => v, Fail: e => throw new Xunit.Sdk.XunitException($"Expected success, got the error: {e}"));

    /// <summary>The error, or a test failure that shows the unexpected value.</summary>
    public static Error Fail<T>(Fin<T> fin) =>
        fin.Match(Succ: v => throw new Xunit.Sdk.XunitException($"Expected an error, got the value: {v}"), Fail: e => e);

    /// <summary>Asserts the error is exactly <paramref name="expected"/> (same record type and fields).</summary>
    public static void Error<TError, T>(TError expected, Fin<T> fin) where TError : Error =>
        Assert.Equal(expected, Assert.IsType<TError>(Fail(fin)));

    public static string ToJson(ConfigValue value, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
            ConfigJson.Write(writer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ConfigValue FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ConfigJson.Read(document.RootElement);
    }
}
