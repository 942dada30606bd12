using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;

namespace RunTools.Host;

/// <summary>A minimal non-interactive console host: output to stdout, every other stream to stderr, prompts
/// answered from stdin (the default choice when stdin is closed).</summary>
public sealed class ConsoleHost : PSHost, IHostSupportsInteractiveSession, IDisposable
{
    readonly ConsoleUI ui = new();
    readonly Guid instanceId = Guid.NewGuid();

    public Runspace? Runspace { get; set; }

    /// <summary>Set when the engine asks the host to exit (<c>exit N</c> at the top level of a command).</summary>
    public int? ExitCode { get; private set; }

    public override string Name => "runtools";
    public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId => instanceId;
    public override PSHostUserInterface UI => ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("runtools does not support nested prompts.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("runtools does not support nested prompts.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    public bool IsRunspacePushed => false;
    Runspace IHostSupportsInteractiveSession.Runspace => Runspace!;
    public void PushRunspace(Runspace runspace) => throw new NotSupportedException("runtools does not support pushed runspaces.");
    public void PopRunspace() => throw new NotSupportedException("runtools does not support pushed runspaces.");

    /// <summary>Writes an error record the way pwsh's concise view does, plus its ErrorId and category so
    /// automation logs keep the stable identifiers.</summary>
    public void WriteErrorRecord(ErrorRecord record)
    {
        var command = record.InvocationInfo?.MyCommand?.Name;
        var message = record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString();
        ui.WriteErrorLine(string.IsNullOrEmpty(command) ? message : $"{command}: {message}");
        ui.WriteErrorLine($"  ErrorId: {record.FullyQualifiedErrorId}  Category: {record.CategoryInfo.Category}" +
                          (record.TargetObject is null ? "" : $"  Target: {record.TargetObject}"));
    }

    public void Dispose() => Runspace = null;
}

sealed class ConsoleUI : PSHostUserInterface
{
    readonly ConsoleRawUI raw = new();

    public override PSHostRawUserInterface RawUI => raw;

    /// <summary>ANSI styling only for a terminal; redirected output (logs, tests, CI) stays plain text.</summary>
    public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;

    // GetOutputString applies $PSStyle.OutputRendering: ANSI styles are stripped unless this is a terminal.
    static string Out(string text) => GetOutputString(text, !Console.IsOutputRedirected);
    static string Err(string text) => GetOutputString(text, !Console.IsErrorRedirected);

    public override void Write(string value) => Console.Out.Write(Out(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(Out(value));
    public override void WriteLine(string value) => Console.Out.WriteLine(Out(value));
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(Err(value));
    public override void WriteDebugLine(string message) => Console.Error.WriteLine(Err($"DEBUG: {message}"));
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine(Err($"VERBOSE: {message}"));
    public override void WriteWarningLine(string message) => Console.Error.WriteLine(Err($"WARNING: {message}"));
    public override void WriteInformation(InformationRecord record) { }

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        // Progress is for people watching a terminal; keep logs and redirected output clean.
        if (Console.IsErrorRedirected || record.RecordType == ProgressRecordType.Completed) return;
        var percent = record.PercentComplete >= 0 ? $" {record.PercentComplete}%" : "";
        Console.Error.WriteLine($"{record.Activity}: {record.StatusDescription}{percent}");
    }

    public override string ReadLine() => Console.In.ReadLine() ?? "";

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        foreach (var c in ReadLine()) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
    {
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
        var answers = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            Write($"{field.Name}: ");
            answers[field.Name] = PSObject.AsPSObject(ReadLine());
        }
        return answers;
    }

    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (!string.IsNullOrEmpty(caption)) Console.Error.WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) Console.Error.WriteLine(message);
        var labels = choices.Select(c => c.Label.Replace("&", "")).ToArray();
        Console.Error.Write($"[{string.Join("] [", labels)}] (default is \"{labels[Math.Max(defaultChoice, 0)]}\"): ");
        var answer = Console.In.ReadLine();
        if (string.IsNullOrWhiteSpace(answer)) return defaultChoice;
        for (var i = 0; i < choices.Count; i++)
        {
            var label = choices[i].Label;
            var hotkey = label.IndexOf('&') is var amp and >= 0 && amp + 1 < label.Length ? label[amp + 1].ToString() : null;
            if (string.Equals(answer.Trim(), labels[i], StringComparison.OrdinalIgnoreCase) ||
                string.Equals(answer.Trim(), hotkey, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return defaultChoice;
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        if (string.IsNullOrEmpty(userName))
        {
            Console.Error.Write("User: ");
            userName = ReadLine();
        }
        Console.Error.Write("Password: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }
}

sealed class ConsoleRawUI : PSHostRawUserInterface
{
    static int Width => Console.IsOutputRedirected ? 160 : Math.Max(Console.WindowWidth, 40);

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get => new(Width, short.MaxValue); set { } }
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 25;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(Width, 100);
    public override Size MaxWindowSize => new(Width, 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get => new(Width, 100); set { } }
    public override string WindowTitle { get; set; } = "runtools";

    public override void FlushInputBuffer() { }

    public override KeyInfo ReadKey(ReadKeyOptions options) =>
        throw new NotSupportedException("runtools is not interactive: ReadKey is not available.");

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw new NotSupportedException("runtools writes a stream, not a screen buffer.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
        throw new NotSupportedException("runtools writes a stream, not a screen buffer.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) =>
        throw new NotSupportedException("runtools writes a stream, not a screen buffer.");

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) =>
        throw new NotSupportedException("runtools writes a stream, not a screen buffer.");
}
