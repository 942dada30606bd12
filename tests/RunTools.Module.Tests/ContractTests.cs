using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using RunTools.HelpGen;

namespace RunTools.Module.Tests;

/// <summary>
/// The module's contract with its users, checked against the built module as PowerShell loads it: the cmdlet types
/// come from the imported module (CommandInfo.ImplementingType), never from a project reference. Names, verbs,
/// [OutputType], ShouldProcess, help, format views and the core's independence from PowerShell.
/// </summary>
public sealed class ContractTests(PowerShellHost ps) : IClassFixture<PowerShellHost>
{
    /// <summary>Verbs that only read. Every other verb changes state and must support -WhatIf and -Confirm. Import
    /// reads a file into the session, as Import-Csv and Import-Clixml do; a test below proves that every cmdlet with
    /// one of these verbs leaves the disk unchanged.</summary>
    static readonly string[] ReadOnlyVerbs = [VerbsCommon.Get, VerbsDiagnostic.Test, VerbsDiagnostic.Measure, VerbsData.Compare, VerbsData.Import];

    /// <summary>Cmdlets whose verb reads but which write to disk all the same: Import-RunBundle creates runs under a
    /// root, so it is held to the rules of the state-changing cmdlets.</summary>
    static readonly string[] WritingDespiteVerb = ["Import-RunBundle"];

    static bool ChangesState(CmdletInfo c) => !ReadOnlyVerbs.Contains(c.Verb) || WritingDespiteVerb.Contains(c.Name);

    static readonly string FormatFile = Path.Combine(Repo.Root, "module", "RunTools", "RunTools.Format.ps1xml");

    /// <summary>The cmdlet names RunTools.psd1 exports, for the per-cmdlet theories.</summary>
    public static TheoryData<string> ExportedCmdlets => new(Manifest.Strings("CmdletsToExport"));

    IReadOnlyList<CmdletInfo> Cmdlets()
    {
        var result = ps.Run("Get-Command -Module RunTools -CommandType Cmdlet");
        result.AssertNoErrors();
        var cmdlets = result.Output.Select(o => (CmdletInfo)o.BaseObject).ToList();
        Assert.NotEmpty(cmdlets);
        return cmdlets;
    }

    /// <summary>RunTools.dll as the imported module loaded it.</summary>
    Assembly ModuleAssembly()
    {
        var assemblies = Cmdlets().Select(c => c.ImplementingType.Assembly).Distinct().ToList();
        var assembly = Assert.Single(assemblies);
        Assert.Equal(Path.Combine(Repo.Root, "artifacts", "module", "RunTools", "RunTools.dll"), assembly.Location);
        return assembly;
    }

    static IEnumerable<Type> CmdletTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => typeof(Cmdlet).IsAssignableFrom(t) && !t.IsAbstract);

    static string CmdletName(Type type)
    {
        var attribute = type.GetCustomAttribute<CmdletAttribute>();
        Assert.True(attribute is not null, $"{type.FullName} derives from Cmdlet but has no [Cmdlet] attribute");
        return $"{attribute.VerbName}-{attribute.NounName}";
    }

    // ---- exports, names, verbs ---------------------------------------------------------------------------------

    [Fact]
    public void CmdletsToExport_in_the_manifest_is_exactly_the_set_of_cmdlet_classes_in_RunTools_dll()
    {
        var inAssembly = CmdletTypes(ModuleAssembly()).Select(CmdletName).Order(StringComparer.Ordinal).ToList();
        var inManifest = Manifest.Strings("CmdletsToExport").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(inAssembly, inManifest);
        Assert.Equal(inAssembly, Cmdlets().Select(c => c.Name).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Every_cmdlet_declares_OutputType_with_types_that_exist()
    {
        foreach (var type in CmdletTypes(ModuleAssembly()))
        {
            var declared = type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).ToList();
            Assert.True(declared.Count > 0, $"{CmdletName(type)} has no [OutputType]");
            foreach (var output in declared)
                Assert.True(output.Type is not null, $"{CmdletName(type)} declares [OutputType('{output.Name}')], which is not a type PowerShell can resolve");
        }
    }

    [Fact]
    public void Every_cmdlet_whose_verb_changes_state_supports_ShouldProcess()
    {
        foreach (var cmdlet in Cmdlets().Where(ChangesState))
        {
            var attribute = cmdlet.ImplementingType.GetCustomAttribute<CmdletAttribute>()!;
            Assert.True(attribute.SupportsShouldProcess, $"{cmdlet.Name} changes state ({cmdlet.Verb}) but does not set SupportsShouldProcess");
            Assert.True(cmdlet.Parameters.ContainsKey("WhatIf") && cmdlet.Parameters.ContainsKey("Confirm"), $"{cmdlet.Name} has no -WhatIf/-Confirm");
        }
    }

    [Fact]
    public void Every_verb_is_an_approved_PowerShell_verb()
    {
        // Get-Verb lives in Microsoft.PowerShell.Utility, which these machines do not have: the approved verbs are the
        // constants of the Verbs* classes in System.Management.Automation, which Get-Verb itself lists.
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic),
                typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Invoke", approved);

        foreach (var cmdlet in Cmdlets())
            Assert.True(approved.Contains(cmdlet.Verb), $"{cmdlet.Name}: '{cmdlet.Verb}' is not an approved verb");
    }

    [Fact]
    public void Every_noun_starts_with_Run_and_is_singular()
    {
        foreach (var cmdlet in Cmdlets())
        {
            Assert.True(cmdlet.Noun.StartsWith("Run", StringComparison.Ordinal), $"{cmdlet.Name}: the noun must start with 'Run'");
            Assert.False(LooksPlural(cmdlet.Noun), $"{cmdlet.Name}: the noun '{cmdlet.Noun}' looks plural; PowerShell nouns are singular");
        }
    }

    /// <summary>The last word of a PascalCase noun ends in a plural 's' (Metrics, Runs, Artifacts), unlike the
    /// singular endings -ss, -us and -is (Process, Status, Analysis).</summary>
    static bool LooksPlural(string noun)
    {
        var lastWord = noun[Enumerable.Range(0, noun.Length).Last(i => char.IsUpper(noun[i]))..];
        return lastWord.EndsWith('s') && !lastWord.EndsWith("ss", StringComparison.Ordinal)
            && !lastWord.EndsWith("us", StringComparison.Ordinal) && !lastWord.EndsWith("is", StringComparison.Ordinal);
    }

    [Fact]
    public void The_plural_check_tells_plural_nouns_from_singular_ones()
    {
        Assert.True(LooksPlural("RunMetrics"));
        Assert.True(LooksPlural("Runs"));
        Assert.False(LooksPlural("RunStatus"));
        Assert.False(LooksPlural("RunProcess"));
        Assert.False(LooksPlural("RunArtifact"));
    }

    // ---- -WhatIf ------------------------------------------------------------------------------------------------

    /// <summary>A run that can be trained in a second: 24 rows with an id, two features and a binary label, two
    /// stratified folds with a production fold, one linear candidate.</summary>
    const string TrainableRun = """
        $rows = @('id,x,z,label'); foreach ($i in 1..24) { $rows += "r$i,$($i % 7),$($i % 3),$($i % 2)" }
        [IO.File]::WriteAllLines("$PWD/data.csv", [string[]]$rows)
        [IO.File]::WriteAllText("$PWD/config.yaml", "data: { label: label, id: id }`nfolds: { kind: stratified, k: 2, production: true }`ntraining: { candidates: [ { trainer: lbfgs } ] }`n")
        $run = New-Run a -ConfigPath config.yaml -DataPath data.csv
        """;

    /// <summary>For every state-changing cmdlet: a setup and a command that changes the disk. The command must change
    /// nothing with -WhatIf, and something without it (so the scenario really exercises the cmdlet).</summary>
    static readonly Dictionary<string, (string Setup, string Command)> WhatIfScenarios = new()
    {
        ["New-Run"] = ("[IO.File]::WriteAllText(\"$PWD/config.yaml\", 'model: {trees: 10}')", "New-Run -Name w -ConfigPath config.yaml"),
        ["Add-RunArtifact"] = ("$run = New-Run a; [IO.File]::WriteAllText(\"$PWD/model.zip\", 'm')", "Add-RunArtifact -Run $run -Path model.zip"),
        ["Invoke-RunStage"] = ("$run = New-Run a", "$run | Invoke-RunStage prepare { 'x' }"),
        ["Set-RunStatus"] = ("$run = New-Run a", "$run | Set-RunStatus Cancelled 'not needed'"),
        ["Write-RunMetric"] = ("$run = New-Run a", "Write-RunMetric -Run $run -Name auc -Value 0.9"),
        ["Remove-Run"] = ("$run = New-Run a", "$run | Remove-Run"),
        ["Lock-Run"] = ("$run = New-Run a", "$run | Lock-Run -Reason 'in the paper'"),
        ["Unlock-Run"] = ("$run = New-Run a; Lock-Run $run", "$run | Unlock-Run"),
        // A run with a line that is not an event: Repair-Run would quarantine it.
        ["Repair-Run"] = ("$run = New-Run a; Write-RunMetric -Run $run auc 0.5; [IO.File]::AppendAllText(\"$($run.Path)/events.jsonl\", \"garbage`n\")", "$run | Repair-Run"),
        ["Export-RunBundle"] = ("$run = New-Run a", "$run | Export-RunBundle bundle.zip"),
        ["Import-RunBundle"] = ("$run = New-Run a; $run | Export-RunBundle bundle.zip | Out-Null", "Import-RunBundle bundle.zip -Root elsewhere"),
        // The plan is made (for real) in the setup, so that -WhatIf gets as far as the training itself.
        ["New-RunFoldPlan"] = (TrainingSetup, "$run | New-RunFoldPlan"),
        ["Invoke-RunTraining"] = (TrainingSetup + "; $run | New-RunFoldPlan | Out-Null", "$run | Invoke-RunTraining"),
        ["Invoke-RunInference"] = (TrainingSetup + "; $run | New-RunFoldPlan | Out-Null; $run | Invoke-RunTraining | Out-Null", "$run | Invoke-RunInference d.csv"),
    };

    /// <summary>A run with 40 rows of data and a config for a quick training.</summary>
    const string TrainingSetup =
        "$lines = @('id,x,label'); foreach ($i in 1..40) { $lines += \"r$i,$i,$($i % 2)\" }; [IO.File]::WriteAllLines(\"$PWD/d.csv\", [string[]]$lines); " +
        "[IO.File]::WriteAllText(\"$PWD/t.yaml\", \"data: { label: label, id: id }`nfolds: { kind: kfold, k: 2, production: true }`ntraining: { candidates: [ { trainer: lbfgs } ] }\"); " +
        "$run = New-Run t -ConfigPath t.yaml -DataPath d.csv";

    [Fact]
    public void Every_state_changing_cmdlet_leaves_the_disk_unchanged_with_WhatIf()
    {
        var stateChanging = Cmdlets().Where(ChangesState).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(stateChanging, WhatIfScenarios.Keys.Order(StringComparer.Ordinal).ToList());

        foreach (var (cmdlet, (setup, command)) in WhatIfScenarios)
        {
            using var host = new PowerShellHost();
            host.Run(setup).AssertNoErrors();
            var before = host.Snapshot();

            var preview = host.Run(command + " -WhatIf");
            preview.AssertNoErrors();
            Assert.True(before.SequenceEqual(host.Snapshot()), $"{cmdlet} -WhatIf changed the disk");

            host.Run(command + " -Confirm:$false").AssertNoErrors();
            Assert.False(before.SequenceEqual(host.Snapshot()), $"the {cmdlet} scenario changes nothing even without -WhatIf");
        }
    }

    /// <summary>For every cmdlet with a read-only verb: a setup and a command that reads something real (it must write
    /// output, so the scenario exercises the cmdlet). The command must leave every file as it was.</summary>
    static readonly Dictionary<string, string[]> ReadOnlyScenarios = new()
    {
        ["Get-Run"] = ["$run = New-Run a", "Get-Run"],
        ["Get-RunManifest"] = ["$run = New-Run a", "$run | Get-RunManifest"],
        ["Get-RunMetric"] = ["$run = New-Run a; Write-RunMetric -Run $run auc 0.9", "$run | Get-RunMetric"],
        ["Test-Run"] = ["$run = New-Run a", "$run | Test-Run"],
        ["Compare-Run"] = ["$a = New-Run a -Set 'x=1'; $b = New-Run b -Set 'x=2'", "Compare-Run $a $b"],
        ["Measure-Run"] = ["$a = New-Run a -Set 'm=x'; Write-RunMetric -Run $a auc 0.9", "$a | Measure-Run -GroupBy m"],
        ["Import-RunTable"] = [TrainableRun + "\n$run | New-RunFoldPlan | Out-Null", "$run | Import-RunTable folds/folds.parquet -First 3"],
    };

    [Fact]
    public void Every_read_only_cmdlet_leaves_the_disk_unchanged()
    {
        var readOnly = Cmdlets().Where(c => !ChangesState(c)).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(readOnly, ReadOnlyScenarios.Keys.Order(StringComparer.Ordinal).ToList());

        foreach (var (cmdlet, scenario) in ReadOnlyScenarios)
        {
            using var host = new PowerShellHost();
            host.Run(scenario[0]).AssertNoErrors();
            var before = host.Snapshot();

            var result = host.Run(scenario[1]);
            result.AssertNoErrors();
            Assert.True(result.Output.Count > 0, $"the {cmdlet} scenario reads nothing");
            Assert.True(before.SequenceEqual(host.Snapshot()), $"{cmdlet} changed the disk");
        }
    }

    // ---- help ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Help_is_found_beside_the_manifest_where_Get_Help_looks_for_a_binary_module()
    {
        // A fresh runspace: Get-Help records the file it loaded in CmdletInfo.HelpFile only when it is not cached yet.
        using var fresh = new PowerShellHost();
        var result = fresh.Run("""
            $examples = (Get-Help New-Run).Examples
            @($examples.example).Count
            (Get-Command New-Run).HelpFile
            """);

        result.AssertNoErrors();
        Assert.True((int)result.Output[0].BaseObject > 0, "(Get-Help New-Run).Examples is empty: Get-Help did not find RunTools.dll-Help.xml");
        Assert.Equal(Path.Combine(Repo.Root, "en-US", HelpGenerator.HelpFileName), result.Output[1].BaseObject);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_cmdlet_has_help_with_a_synopsis_a_description_examples_inputs_outputs_and_every_parameter_described(string name)
    {
        var result = ps.Run($"Get-Help {name} -Full");
        result.AssertNoErrors();
        var help = Assert.Single(result.Output);

        // Without a help file, Get-Help makes up help whose synopsis is the syntax and which has no description.
        var synopsis = (string?)help.Properties["Synopsis"]?.Value ?? "";
        Assert.False(string.IsNullOrWhiteSpace(synopsis) || synopsis.TrimStart().StartsWith(name, StringComparison.OrdinalIgnoreCase),
            $"{name}: no synopsis (Get-Help shows '{synopsis.Trim()}')");
        Assert.True(Texts(Property(help, "description")).Any(t => t.Trim().Length > 0), $"{name}: no description");

        var examples = Items(Property(Property(help, "examples"), "example")).ToList();
        Assert.True(examples.Count > 0, $"{name}: no examples");
        foreach (var example in examples)
        {
            var title = Texts(Property(example, "title")).FirstOrDefault() ?? "";
            Assert.True(title.Trim('-', ' ').Length > 0, $"{name}: an example has no title");
            Assert.True(Texts(Property(example, "code")).Any(c => c.Trim().Length > 0), $"{name}: '{title.Trim('-', ' ')}' has no code");
        }

        var described = Items(Property(Property(help, "parameters"), "parameter"))
            .ToDictionary(p => Texts(Property(p, "name")).Single(), p => string.Concat(Texts(Property(p, "description"))), StringComparer.OrdinalIgnoreCase);
        var command = (CmdletInfo)ps.Run($"Get-Command {name}").Output.Single().BaseObject;
        foreach (var parameter in command.Parameters.Keys.Where(p => !Cmdlet.CommonParameters.Contains(p)))
            Assert.True(described.TryGetValue(parameter, out var text) && text.Trim().Length > 0, $"{name}: -{parameter} is not described");

        Assert.NotEmpty(Items(Property(Property(help, "inputTypes"), "inputType")));
        Assert.NotEmpty(Items(Property(Property(help, "returnValues"), "returnValue")));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_example_parses_calls_its_cmdlet_and_binds_to_real_parameters(string name)
    {
        // StaticParameterBinder resolves the commands in this runspace: unknown parameters, extra positional
        // arguments and parameters from different sets are binding errors. Pipeline input is not known statically.
        var result = ps.Run($$"""
            $names = (Get-Command -Module RunTools -CommandType Cmdlet).Name
            $examples = @((Get-Help {{name}}).Examples.example | Where-Object { $_ })
            if ($examples.Count -eq 0) { "{{name}} has no examples to check" }
            foreach ($example in $examples) {
                $title = $example.title.Trim('- ')
                $tokens = $null; $errors = $null
                $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$tokens, [ref]$errors)
                foreach ($e in $errors) { "${title}: does not parse: $($e.Message)" }
                $commands = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)
                if (-not ($commands | Where-Object { $_.GetCommandName() -eq '{{name}}' })) { "${title}: does not call {{name}}" }
                foreach ($command in $commands | Where-Object { $names -contains $_.GetCommandName() }) {
                    $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($command, $true)
                    foreach ($key in $binding.BindingExceptions.Keys) { "${title}: '$command': $($binding.BindingExceptions[$key].BindingException.Message)" }
                }
            }
            """);

        result.AssertNoErrors();
        Assert.True(result.Output.Count == 0, string.Join(Environment.NewLine, result.Output));
    }

    [Fact]
    public void The_committed_help_is_what_the_generator_makes_of_the_markdown_and_the_code()
    {
        var generated = HelpGenerator.Generate(Repo.Root);
        Assert.True(generated.Succeeded, string.Join(Environment.NewLine, generated.Problems));

        var committed = File.ReadAllText(HelpGenerator.HelpFilePath(Repo.Root)).Replace("\r\n", "\n");
        Assert.True(committed == generated.Xml,
            "module/RunTools/en-US/RunTools.dll-Help.xml is stale (run `dotnet run --project tools/RunTools.HelpGen`): " + FirstDifference(committed, generated.Xml));

        var deployed = File.ReadAllText(Path.Combine(Repo.Root, "en-US", HelpGenerator.HelpFileName)).Replace("\r\n", "\n");
        Assert.True(committed == deployed, "the build did not copy the help file beside RunTools.psd1: " + FirstDifference(committed, deployed));
    }

    [Fact]
    public void The_generator_refuses_markdown_that_disagrees_with_the_code()
    {
        var docs = Path.Combine(ps.Directory, "docs");
        Directory.CreateDirectory(docs);
        var markdown = File.ReadAllText(Path.Combine(HelpGenerator.DocsDirectory(Repo.Root), "Test-Run.md"))
            .Replace("### -Quiet", "### -Silent")
            .Replace("### System.Boolean", "### System.String");
        File.WriteAllText(Path.Combine(docs, "Test-Run.md"), markdown);
        var cmdlets = Cmdlets().Where(c => c.Name is "Test-Run" or "Get-Run").ToList();

        var result = HelpGenerator.Generate(cmdlets, docs);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                "Get-Run.md: missing (every exported cmdlet needs docs/en-US/Get-Run.md)",
                "Test-Run.md: parameter -Quiet is not described (add '### -Quiet' under PARAMETERS)",
                "Test-Run.md: -Silent is described but Test-Run has no such parameter",
                "Test-Run.md: OUTPUTS names 'RunTools.Views.RunCheck', 'System.String' but [OutputType] declares 'RunTools.Views.RunCheck', 'System.Boolean'",
            ],
            result.Problems);
    }

    // ---- format views -------------------------------------------------------------------------------------------

    [Fact]
    public void Every_output_type_has_a_view_in_the_format_file_and_every_view_is_for_an_output_type()
    {
        var views = XDocument.Load(FormatFile).Descendants("View")
            .Select(v => (Name: v.Element("Name")?.Value.Trim(), Type: v.Element("ViewSelectedBy")?.Element("TypeName")?.Value.Trim()))
            .ToList();
        var outputTypes = CmdletTypes(ModuleAssembly())
            .SelectMany(t => t.GetCustomAttributes<OutputTypeAttribute>()).SelectMany(a => a.Type)
            .Select(t => t.Type).OfType<Type>()
            // void, primitives and strings have PowerShell's own formatting; every other type needs a view. PSObject is
            // Import-RunTable's rows: their properties are the columns of whichever table was read, so no view can
            // fit them, and PowerShell lays them out from the properties they have.
            .Where(t => t != typeof(void) && !t.IsPrimitive && t.Assembly != typeof(object).Assembly && t != typeof(PSObject))
            .Select(t => t.FullName!).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(outputTypes);
        foreach (var type in outputTypes)
            Assert.True(views.Any(v => v.Type == type), $"{type} is a cmdlet's output type but RunTools.Format.ps1xml has no view for it");
        foreach (var (view, type) in views)
            Assert.True(type is not null && outputTypes.Contains(type), $"the view '{view}' is for '{type}', which no cmdlet declares as output");
    }

    [Fact]
    public void Output_records_are_shaped_for_PowerShell()
    {
        // What a cmdlet writes, and what those records hold (a run's Manifest, the manifest's parts): no C# record
        // members (Get-Member would show <Clone>$ and Deconstruct, and init setters as settable properties), get-only
        // properties, and a ToString() of its own (a run's name, not a dump of every property).
        var core = CmdletTypes(ModuleAssembly()).SelectMany(t => t.GetCustomAttributes<OutputTypeAttribute>()).SelectMany(a => a.Type)
            .Select(t => t.Type).OfType<Type>().Where(t => t.Assembly.GetName().Name == "RunTools.Core").Distinct().ToList();
        var records = core.Concat(core.SelectMany(t => t.Assembly.GetTypes()).Where(t => t.IsPublic && t.Namespace == "RunTools.Views" && t.IsClass && !t.IsAbstract
                                                                                 && !t.IsGenericTypeDefinition && t.GetMethod("Of") is not null))
            .Distinct().ToList();

        Assert.Contains(records, t => t.Name == "RunManifestInfo");
        Assert.Contains(records, t => t.Name == "ManifestStage");
        foreach (var type in records)
        {
            Assert.True(type.IsSealed, $"{type.Name} is not sealed");
            Assert.Null(type.GetMethod("<Clone>$"));
            Assert.DoesNotContain(type.GetMethods(), m => m.Name == "Deconstruct");
            Assert.DoesNotContain(type.GetProperties(), p => p.SetMethod is { IsPublic: true });
            Assert.True(type.GetMethod("ToString", Type.EmptyTypes)!.DeclaringType == type, $"{type.Name} has no ToString() of its own");
        }
    }

    [Fact]
    public void The_manifest_loads_the_format_file()
    {
        Assert.Contains("module/RunTools/RunTools.Format.ps1xml", Manifest.Strings("FormatsToProcess"));

        var result = ps.Run("(Get-Module RunTools).ExportedFormatFiles");
        result.AssertNoErrors();
        Assert.Contains(Path.GetFullPath(FormatFile), result.Output.Select(o => Path.GetFullPath((string)o.BaseObject)));
    }

    // ---- layering -----------------------------------------------------------------------------------------------

    [Fact]
    public void RunTools_Core_does_not_reference_System_Management_Automation()
    {
        // The core assembly the module actually loaded: the one that defines the cmdlets' output records.
        var core = CmdletTypes(ModuleAssembly()).SelectMany(t => t.GetCustomAttributes<OutputTypeAttribute>()).SelectMany(a => a.Type)
            .Select(t => t.Type?.Assembly).OfType<Assembly>().First(a => a.GetName().Name == "RunTools.Core");
        Assert.Equal(Path.Combine(Repo.Root, "artifacts", "module", "RunTools", "deps", "RunTools.Core.dll"), core.Location);

        using var stream = File.OpenRead(core.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.Contains("LanguageExt.Core", references); // the read works: the core's real dependencies are there
        Assert.DoesNotContain(references, r => r == "System.Management.Automation" || r.StartsWith("Microsoft.PowerShell", StringComparison.Ordinal));

        // Nor may the project start to: no PowerShell package (System.Management.Automation, PowerShellStandard.Library)
        // and no project from module/, which would bring PowerShell along.
        var project = XDocument.Load(Path.Combine(Repo.Root, "src", "RunTools.Core", "RunTools.Core.csproj"));
        var included = project.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "Reference" or "ProjectReference")
            .Select(e => ((string?)e.Attribute("Include") ?? "").Replace('\\', '/')).ToList();
        Assert.Contains("LanguageExt.Core", included);
        Assert.DoesNotContain(included, i => i.Contains("System.Management.Automation", StringComparison.OrdinalIgnoreCase)
                                             || i.Contains("PowerShell", StringComparison.OrdinalIgnoreCase)
                                             || i.Contains("/module/", StringComparison.OrdinalIgnoreCase));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>RunTools.psd1, read with PowerShell's parser (Import-PowerShellDataFile is a Utility cmdlet).</summary>
    static class Manifest
    {
        public static string[] Strings(string key)
        {
            var ast = Parser.ParseFile(Repo.ModuleManifest, out _, out var errors);
            Assert.Empty(errors);
            var table = (Hashtable)((HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!).SafeGetValue();
            return table[key] switch
            {
                object[] items => items.Select(i => i?.ToString() ?? "").ToArray(),
                string one => [one],
                _ => [],
            };
        }
    }

    static object? Property(object? value, string name) =>
        value is null ? null : PSObject.AsPSObject(value).Properties[name]?.Value;

    /// <summary>A help field as a sequence: Get-Help gives one object or an array.</summary>
    static IEnumerable<object> Items(object? value) => (value is PSObject p ? p.BaseObject : value) switch
    {
        null => [],
        string s => [s],
        IEnumerable items => items.Cast<object?>().OfType<object>(),
        _ => [value!],
    };

    /// <summary>The text of a help field: strings, or the Text of MAML paragraphs.</summary>
    static IEnumerable<string> Texts(object? value) => Items(value).Select(item =>
        (item is PSObject p ? p.BaseObject : item) as string ?? Property(item, "Text") as string ?? "");

    static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end of file>";
            var y = i < b.Length ? b[i] : "<end of file>";
            if (x != y) return $"line {i + 1}: committed '{x.Trim()}', expected '{y.Trim()}'";
        }
        return "no difference";
    }
}
