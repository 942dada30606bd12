using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// Typed reads of settings by dotted path. A missing key or an explicit null gives the default; a value of the wrong
/// type is a <see cref="ConfigValueInvalid"/> naming the path (and the index, for a list item).
/// </summary>
public static class ConfigRead
{
    /// <summary>A scalar as text: strings as they are, numbers and booleans as written (<c>200</c>, <c>true</c>).</summary>
    public static Fin<string> String(ConfigValue root, string path, string @default) =>
        OptionalString(root, path).Map(s => s.IfNone(@default));

    /// <summary>A scalar as text, or None when missing or null.</summary>
    public static Fin<Option<string>> OptionalString(ConfigValue root, string path) =>
        Lookup(root, path).Match(
            Some: v => Text(path, v).Map(Some),
            None: () => FinSucc(Option<string>.None));

    public static Fin<long> Int(ConfigValue root, string path, long @default) =>
        Lookup(root, path).Match(Some: v => Integer(path, v), None: () => FinSucc(@default));

    /// <summary>An integer, or None when missing or null.</summary>
    public static Fin<Option<long>> OptionalInt(ConfigValue root, string path) =>
        Lookup(root, path).Match(Some: v => Integer(path, v).Map(Some), None: () => FinSucc(Option<long>.None));

    /// <summary>A float; an integer is accepted and converted.</summary>
    public static Fin<double> Float(ConfigValue root, string path, double @default) =>
        Lookup(root, path).Match(Some: v => Number(path, v), None: () => FinSucc(@default));

    public static Fin<bool> Bool(ConfigValue root, string path, bool @default) =>
        Lookup(root, path).Match(
            Some: v => v is ConfigBool b ? FinSucc(b.Value) : Invalid<bool>(path, "a boolean (true or false)", v),
            None: () => FinSucc(@default));

    /// <summary>A list of scalars as text; one scalar is a list of one; missing or null is empty.</summary>
    public static Fin<Seq<string>> Strings(ConfigValue root, string path) => Items(root, path, Text);

    /// <summary>A list of numbers (integers are converted); one number is a list of one; missing or null is empty.</summary>
    public static Fin<Seq<double>> Floats(ConfigValue root, string path) => Items(root, path, Number);

    /// <summary>A list of integers; one integer is a list of one; missing or null is empty.</summary>
    public static Fin<Seq<long>> Ints(ConfigValue root, string path) => Items(root, path, Integer);

    private static Option<ConfigValue> Lookup(ConfigValue root, string path) =>
        ConfigPaths.Get(root, path).Filter(v => v is not ConfigNull);

    private static Fin<Seq<T>> Items<T>(ConfigValue root, string path, Func<string, ConfigValue, Fin<T>> item) =>
        Lookup(root, path).Match(
            Some: v => v is ConfigList list
                ? list.Items.Map((i, x) => (Index: i, Item: x)).Fold(
                    FinSucc(Seq<T>()),
                    (acc, x) => acc.Bind(items => item($"{path}[{x.Index}]", x.Item).Map(items.Add)))
                : item(path, v).Map(x => Seq1(x)),
            None: () => FinSucc(Seq<T>()));

    private static Fin<string> Text(string path, ConfigValue value) => value switch
    {
        ConfigString s => FinSucc(s.Value),
        ConfigInt or ConfigFloat or ConfigBool => FinSucc(value.Display),
        _ => Invalid<string>(path, "a string", value),
    };

    private static Fin<long> Integer(string path, ConfigValue value) =>
        value is ConfigInt i ? FinSucc(i.Value) : Invalid<long>(path, "an integer", value);

    private static Fin<double> Number(string path, ConfigValue value) => value switch
    {
        ConfigFloat f => FinSucc(f.Value),
        ConfigInt i => FinSucc((double)i.Value),
        _ => Invalid<double>(path, "a number", value),
    };

    private static Fin<T> Invalid<T>(string path, string expected, ConfigValue found) =>
        FinFail<T>(new ConfigValueInvalid(path, $"expected {expected}, found {Found(found)}"));

    private static string Found(ConfigValue value) => value switch
    {
        ConfigNull => "null",
        ConfigList l => $"the list {ConfigLimits.Brief(l)}",
        ConfigMap m => $"the map {ConfigLimits.Brief(m)}",
        _ => $"'{ConfigLimits.Brief(value)}'",
    };
}
