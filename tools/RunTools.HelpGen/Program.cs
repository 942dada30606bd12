using System.Text;
using RunTools.HelpGen;

// Regenerates module/RunTools/en-US/RunTools.dll-Help.xml from docs/en-US/*.md and the built module's metadata.
//
//   dotnet run --project tools/RunTools.HelpGen            write the help file (when it changed)
//   dotnet run --project tools/RunTools.HelpGen -- --check  only compare; exit 1 when the committed file is stale
//
// Exit codes: 0 done / up to date, 1 stale (--check), 2 the markdown and the code disagree, 64 usage error.
// Building this project builds the module layout first (artifacts/module), so the metadata is the current code's.

var check = false;
string? repo = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--check":
            check = true;
            break;
        case "--repo" when i + 1 < args.Length:
            repo = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine($"usage: RunTools.HelpGen [--check] [--repo <repository root>] (unknown argument '{args[i]}')");
            return 64;
    }
}

repo ??= FindRepository(AppContext.BaseDirectory) ?? FindRepository(Directory.GetCurrentDirectory());
if (repo is null)
{
    Console.Error.WriteLine("RunTools.HelpGen: cannot find the repository root (a folder with RunTools.psd1 and RunTools.sln); pass --repo.");
    return 64;
}

var result = HelpGenerator.Generate(repo);
if (!result.Succeeded)
{
    foreach (var problem in result.Problems) Console.Error.WriteLine(problem);
    Console.Error.WriteLine($"RunTools.HelpGen: {result.Problems.Count} problem(s); the help file was not written.");
    return 2;
}

var target = HelpGenerator.HelpFilePath(repo);
var current = File.Exists(target) ? File.ReadAllText(target).Replace("\r\n", "\n") : null;
var relative = Path.GetRelativePath(repo, target);
if (current == result.Xml)
{
    Console.WriteLine($"{relative} is up to date.");
    return 0;
}
if (check)
{
    Console.Error.WriteLine($"{relative} is stale: run `dotnet run --project tools/RunTools.HelpGen` and commit it.");
    return 1;
}
Directory.CreateDirectory(Path.GetDirectoryName(target)!);
File.WriteAllText(target, result.Xml, new UTF8Encoding(false));
Console.WriteLine($"Wrote {relative}. Build the module (dotnet build module/RunTools) to put it where Get-Help looks.");
return 0;

static string? FindRepository(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "RunTools.psd1")) && File.Exists(Path.Combine(dir.FullName, "RunTools.sln")))
            return dir.FullName;
    return null;
}
