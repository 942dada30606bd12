using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace RunTools.HelpGen;

/// <summary>What the code says about a cmdlet: everything in the help that must not be typed by hand (syntax, types,
/// mandatory, position, pipeline input, aliases, wildcards, valid values, output types).</summary>
public sealed record CommandModel(
    string Name,
    string Verb,
    string Noun,
    IReadOnlyList<ParameterModel> Parameters,
    IReadOnlyList<SyntaxModel> Syntax,
    IReadOnlyList<string> OutputTypes);

/// <summary>A parameter as the PARAMETERS section shows it. <see cref="Required"/>, <see cref="Position"/> and
/// <see cref="PipelineInput"/> summarise every parameter set the parameter is in ("true", or "true (Set), false (Other)"
/// when the sets disagree).</summary>
/// <param name="DefaultValue">The value a new instance of the cmdlet has, as help text ("None" when there is none).</param>
public sealed record ParameterModel(
    string Name,
    string TypeName,
    string FullTypeName,
    bool IsSwitch,
    bool IsArray,
    IReadOnlyList<string> Aliases,
    bool Globbing,
    IReadOnlyList<string> ValidValues,
    string DefaultValue,
    string Required,
    string Position,
    string PipelineInput);

/// <summary>One parameter set: its parameters in the order PowerShell shows them (positional first).</summary>
public sealed record SyntaxModel(string ParameterSet, bool IsDefault, IReadOnlyList<SyntaxParameter> Parameters);

public sealed record SyntaxParameter(ParameterModel Parameter, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName)
{
    public string PipelineInput => CommandModels.PipelineText(ByValue, ByPropertyName);
}

public static class CommandModels
{
    /// <summary>Reads a cmdlet's metadata as PowerShell bound it (Get-Command), not as the source declares it.</summary>
    public static CommandModel From(CmdletInfo cmdlet)
    {
        var instance = CreateInstance(cmdlet.ImplementingType);
        var sets = cmdlet.ParameterSets.ToList();

        // Declaration order, over every set (PowerShell lists a set's parameters in declaration order).
        var names = sets.SelectMany(s => s.Parameters).Select(p => p.Name).Where(IsDocumented)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var parameters = names.Select(name =>
        {
            var inSets = sets.Select(s => (Set: s, Info: s.Parameters.FirstOrDefault(p => p.Name == name)))
                .Where(x => x.Info is not null).Select(x => (x.Set, Info: x.Info!)).ToList();
            var first = inSets[0].Info;
            var type = first.ParameterType;
            var element = Unwrap(type);
            var mandatoryEverywhere = inSets.All(x => x.Info.IsMandatory);
            return new ParameterModel(
                name,
                FriendlyName(type),
                FullName(type),
                type == typeof(SwitchParameter),
                type.IsArray,
                first.Aliases.ToList(),
                first.Attributes.OfType<SupportsWildcardsAttribute>().Any(),
                ValidValues(first, element),
                mandatoryEverywhere ? "None" : DefaultText(instance, cmdlet.ImplementingType, name, type),
                Summarise(inSets, x => x.Info.IsMandatory ? "true" : "false"),
                Summarise(inSets, x => PositionText(x.Info.Position)),
                Summarise(inSets, x => PipelineText(x.Info.ValueFromPipeline, x.Info.ValueFromPipelineByPropertyName)));
        }).ToList();

        var byName = parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var syntax = sets.Select(set =>
        {
            var ps = set.Parameters.Where(p => IsDocumented(p.Name))
                .Select((p, index) => (Index: index, Item: new SyntaxParameter(byName[p.Name], p.IsMandatory, p.Position == int.MinValue ? null : p.Position,
                    p.ValueFromPipeline, p.ValueFromPipelineByPropertyName)))
                // Positional parameters first, by position; then the named ones in declaration order.
                .OrderBy(x => x.Item.Position ?? int.MaxValue).ThenBy(x => x.Index)
                .Select(x => x.Item).ToList();
            return new SyntaxModel(set.Name, set.IsDefault, ps);
        }).ToList();

        return new CommandModel(
            cmdlet.Name,
            cmdlet.Verb,
            cmdlet.Noun,
            parameters,
            syntax,
            cmdlet.OutputType.Select(t => t.Type == typeof(void) ? "None" : t.Type?.FullName ?? t.Name).Distinct().ToList());
    }

    /// <summary>Common parameters are documented by PowerShell itself (about_CommonParameters); -WhatIf and -Confirm
    /// are not common parameters and each cmdlet documents what they mean for it.</summary>
    static bool IsDocumented(string parameter) => !Cmdlet.CommonParameters.Contains(parameter);

    internal static string PipelineText(bool byValue, bool byPropertyName) => (byValue, byPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    static string PositionText(int position) => position == int.MinValue ? "named" : position.ToString(CultureInfo.InvariantCulture);

    /// <summary>One value when every set agrees, else each set's value ("0 (ByRoot), named (ByPath)").</summary>
    static string Summarise(List<(CommandParameterSetInfo Set, CommandParameterInfo Info)> inSets, Func<(CommandParameterSetInfo Set, CommandParameterInfo Info), string> value)
    {
        var values = inSets.Select(x => (x.Set.Name, Value: value(x))).ToList();
        return values.Select(v => v.Value).Distinct().Count() == 1
            ? values[0].Value
            : string.Join(", ", values.Select(v => $"{v.Value} ({v.Name})"));
    }

    static IReadOnlyList<string> ValidValues(CommandParameterInfo parameter, Type element)
    {
        var set = parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault();
        if (set is not null) return set.ValidValues.ToList();
        return element.IsEnum ? Enum.GetNames(element) : [];
    }

    /// <summary>The element type without Nullable or array wrappers.</summary>
    static Type Unwrap(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        while (t.IsArray) t = t.GetElementType()!;
        return Nullable.GetUnderlyingType(t) ?? t;
    }

    /// <summary>The short name Get-Help shows after the parameter: String, String[], Int64 (for long?).</summary>
    public static string FriendlyName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return FriendlyName(underlying);
        if (type.IsArray) return FriendlyName(type.GetElementType()!) + "[]";
        return type.Name;
    }

    public static string FullName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return FullName(underlying);
        if (type.IsArray) return FullName(type.GetElementType()!) + "[]";
        return type.FullName ?? type.Name;
    }

    static object? CreateInstance(Type type)
    {
        try
        {
            return Activator.CreateInstance(type);
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            return null;
        }
    }

    /// <summary>The property's value on a fresh instance: what the cmdlet uses when the parameter is not given.
    /// -WhatIf and -Confirm are not properties of the cmdlet; like every switch they default to False.</summary>
    static string DefaultText(object? instance, Type cmdletType, string name, Type type)
    {
        var property = cmdletType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property is null || instance is null) return type == typeof(SwitchParameter) ? "False" : "None";
        return property.GetValue(instance) switch
        {
            null => "None",
            SwitchParameter s => s.IsPresent ? "True" : "False",
            string { Length: 0 } => "None",
            Array { Length: 0 } => "None",
            Array items => string.Join(", ", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))),
            bool b => b ? "True" : "False",
            var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "None",
        };
    }
}
