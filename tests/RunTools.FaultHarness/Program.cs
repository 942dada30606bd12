using System.Globalization;
using RunTools.FaultHarness;

// fault-harness <operation> <target> [--series N] [--count N] [--threads N] [--gate] [--sources DIR] [--key KEY]
//
// Prints "ready" once set up (after --gate, waits for a line on stdin first: several processes then start at once),
// then performs the operation over and over (--count times per thread, or until killed), printing "ack <what>" after
// each operation has returned success, so that what was acknowledged is on disk. A failure prints
// "fail <ErrorId> <message>" and exits 3; bad arguments exit 64; --count reached exits 0.

if (HarnessOptions.Parse(args) is not { } options || !Operations.All.TryGetValue(options.Operation, out var make))
{
    Console.Error.WriteLine($"usage: fault-harness <{string.Join('|', Operations.All.Keys)}> <target> [--series N] [--count N] [--threads N] [--gate] [--sources DIR] [--key KEY]");
    return 64;
}

var operation = make(options);
Say("ready");
if (options.Gate) Console.In.ReadLine();

var failed = 0;
var threads = Enumerable.Range(0, options.Threads).Select(thread => new Thread(() =>
{
    for (long n = 1; options.Count is not { } count || n <= count; n++)
    {
        var done = operation(thread, n, what => Say("ack " + what));
        if (done.IsFail)
        {
            var error = (LanguageExt.Common.Error)done;
            Say(string.Create(CultureInfo.InvariantCulture, $"fail {error.GetType().Name} {error.Message.ReplaceLineEndings(" ")}"));
            Interlocked.Exchange(ref failed, 1);
            return;
        }
    }
})).ToList();
threads.ForEach(t => t.Start());
threads.ForEach(t => t.Join());
return failed == 0 ? 0 : 3;

// One write per line (Console.Out is synchronized and flushes every write), so a kill never leaves half an
// acknowledgement that reads as a whole one; the reader only counts lines that end with a newline.
static void Say(string line) => Console.Out.Write(line + "\n");
