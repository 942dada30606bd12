using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RunTools.Config;
using RunTools.Stages;

namespace RunTools.Module.Infrastructure;

/// <summary>
/// What a stage's script block uses from outside itself, fingerprinted: the variables it reads that it does not set
/// (found in its syntax tree, their values looked up where the stage is invoked) and its -Parameter values. A value
/// is fingerprinted by the canonical text of its config form (numbers, strings, booleans, dates, arrays, hashtables,
/// custom objects); one that has none (a live object, a script block) gets no hash, and the stage then always runs.
/// </summary>
public static class ScriptUses
{
    /// <summary>Variables PowerShell or RunTools set for the stage, or that describe the session rather than the work.</summary>
    static readonly System.Collections.Generic.HashSet<string> Automatic = new(StringComparer.OrdinalIgnoreCase)
    {
        "_", "PSItem", "Run", "Params", "args", "input", "this", "true", "false", "null", "PSScriptRoot", "PSCommandPath",
        "MyInvocation", "PSBoundParameters", "Error", "LASTEXITCODE", "?", "^", "$", "Matches", "foreach", "switch", "PSCmdlet",
        "ExecutionContext", "Host", "HOME", "PID", "PSVersionTable", "PWD", "ShellId", "StackTrace", "IsWindows", "IsLinux",
        "IsMacOS", "IsCoreCLR", "PSHOME", "PSCulture", "PSUICulture", "PSEdition", "NestedPromptLevel", "Event", "EventArgs",
        "EventSubscriber", "Sender", "PSDebugContext", "PSSenderInfo", "PROFILE", "OFS", "PSDefaultParameterValues",
        "PSEmailServer", "PSModuleAutoLoadingPreference", "PSSessionApplicationName", "PSSessionConfigurationName",
        "PSSessionOption", "PSStyle", "PSNativeCommandArgumentPassing", "PSNativeCommandUseErrorActionPreference",
        "MaximumHistoryCount", "FormatEnumerationLimit", "EnabledExperimentalFeatures", "ConsoleFileName",
    };

    /// <summary>The fingerprint parts of the variables the block reads from outside itself and of the parameters.</summary>
    public static Seq<FingerprintPart> Fingerprint(ScriptBlock body, IDictionary? parameters, SessionState caller)
    {
        var state = body.Module?.SessionState ?? caller;
        var variables = OuterVariables(body).Map(name => Part(FingerprintKinds.Variable, name, Lookup(name, state, caller)));
        var given = parameters is null
            ? Seq<FingerprintPart>()
            : toSeq(PowerShellValues.Entries(parameters).Select(e => Part(FingerprintKinds.Parameter, e.Key, (true, e.Value))).ToArray());
        return variables.Concat(given).Strict();
    }

    /// <summary>The names of the block's param() parameters.</summary>
    public static Seq<string> Parameters(ScriptBlock body) =>
        body.Ast is ScriptBlockAst { ParamBlock: { } block } ? toSeq(block.Parameters.Select(p => p.Name.VariablePath.UserPath).ToArray()) : Seq<string>();

    /// <summary>The variables the block reads and never sets (anywhere in it, nested blocks included), other than
    /// automatic and preference variables; <c>$env:NAME</c> is read from the environment.</summary>
    public static Seq<string> OuterVariables(ScriptBlock body)
    {
        var ast = body.Ast;
        var set = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in ast.FindAll(_ => true, searchNestedScriptBlocks: true))
        {
            switch (node)
            {
                case AssignmentStatementAst assignment:
                    foreach (var target in Targets(assignment.Left)) set.Add(target);
                    break;
                case ForEachStatementAst loop:
                    set.Add(Name(loop.Variable.VariablePath));
                    break;
                case ParameterAst parameter:
                    set.Add(Name(parameter.Name.VariablePath));
                    break;
            }
        }
        var read = ast.FindAll(n => n is VariableExpressionAst, searchNestedScriptBlocks: true).Cast<VariableExpressionAst>()
            .Select(v => v.VariablePath)
            .Where(p => p.IsVariable || p.DriveName?.Equals("env", StringComparison.OrdinalIgnoreCase) == true)
            .Select(Name)
            .Where(n => !set.Contains(n) && !Automatic.Contains(Bare(n)) && !Bare(n).EndsWith("Preference", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return toSeq(read);
    }

    /// <summary>"env:NAME", "script:x", or the plain name (a <c>$local:</c>/<c>$private:</c> prefix is the same variable).</summary>
    static string Name(VariablePath path)
    {
        var text = path.UserPath;
        foreach (var scope in new[] { "local:", "private:" })
            if (text.StartsWith(scope, StringComparison.OrdinalIgnoreCase)) return text[scope.Length..];
        return text;
    }

    static string Bare(string name) => name.Contains(':') ? name[(name.IndexOf(':') + 1)..] : name;

    static IEnumerable<string> Targets(ExpressionAst left) => left switch
    {
        VariableExpressionAst v => [Name(v.VariablePath)],
        ConvertExpressionAst c => Targets(c.Child),
        AttributedExpressionAst a => Targets(a.Child),
        ArrayLiteralAst list => list.Elements.SelectMany(Targets),
        _ => [],
    };

    /// <summary>The variable's value where the stage is invoked; (false, null) when it is not set.</summary>
    static (bool Found, object? Value) Lookup(string name, SessionState state, SessionState caller)
    {
        if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
            return Environment.GetEnvironmentVariable(name[4..]) is { } value ? (true, value) : (false, null);
        var variable = caller.PSVariable.Get(name) ?? state.PSVariable.Get(name);
        return variable is null ? (false, null) : (true, variable.Value);
    }

    static FingerprintPart Part(string kind, string name, (bool Found, object? Value) value)
    {
        if (!value.Found) return new FingerprintPart(kind, name, FingerprintPart.Absent);
        return PowerShellValues.ToConfig(value.Value, name).Match(
            Succ: v => FingerprintPart.Of(kind, name, v),
            Fail: _ => new FingerprintPart(kind, name, null, TypeOf(value.Value)));
    }

    static string TypeOf(object? value) => (value is PSObject ps ? ps.BaseObject : value)?.GetType().Name ?? "null";
}
