using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using RunTools.Shell.Files;

namespace RunTools.Benchmarks;

/// <summary>
/// SHA-256 throughput on a 1 GiB file, as a ratio to `openssl dgst -sha256` on the same file in the same run
/// (OpenSSL uses the CPU's SHA extensions; goal: RunTools at least 0.9 of its throughput, i.e. Ratio ≤ 1.11).
/// Also the CSV inspection New-Run does (hash + quoted-newline-aware row count + header) on a 1 GiB CSV.
/// The files are created once in the temp directory and stay in the page cache, so this measures CPU, not disk.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class HashingBenchmarks
{
    const long Size = 1L << 30;
    string binary = "", csv = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "runtools-bench");
        Directory.CreateDirectory(dir);
        binary = Path.Combine(dir, "random-1gib.bin");
        csv = Path.Combine(dir, "table-1gib.csv");
        if (!File.Exists(binary) || new FileInfo(binary).Length != Size)
        {
            using var f = File.Create(binary);
            var buffer = new byte[1 << 20];
            var random = new Random(1);
            for (long written = 0; written < Size; written += buffer.Length)
            {
                random.NextBytes(buffer);
                f.Write(buffer);
            }
        }
        if (!File.Exists(csv) || new FileInfo(csv).Length < Size)
        {
            using var w = new StreamWriter(csv);
            var random = new Random(2);
            w.WriteLine("id,a,b,c,d,note,label");
            long bytes = 0;
            for (var i = 0; bytes < Size; i++)
            {
                var line = $"{i},{random.NextDouble():F6},{random.NextDouble():F6},{random.NextDouble():F6},{random.NextDouble():F6},\"n{i % 97}\",{i % 2}";
                w.WriteLine(line);
                bytes += line.Length + 1;
            }
        }
    }

    [Benchmark(Baseline = true, Description = "openssl dgst -sha256 (1 GiB)")]
    public string OpenSsl()
    {
        using var p = Process.Start(new ProcessStartInfo("openssl", ["dgst", "-sha256", binary]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    [Benchmark(Description = "RunTools FileInspector.Hash (1 GiB)")]
    public string RunToolsHash() => FileInspector.Hash(binary, binary).Match(h => h.Sha256, e => throw new InvalidOperationException(e.Message));

    [Benchmark(Description = "RunTools Inspect CSV: hash + rows + header (1 GiB)")]
    public long? RunToolsInspectCsv() => FileInspector.Inspect(csv, csv).Match(i => i.Rows, _ => -1);
}
