using System.Security.Cryptography;
using System.Text;
using LanguageExt.Common;
using RunTools.Bundles;
using RunTools.Domain;
using RunTools.Tests.Config;

namespace RunTools.Tests.Bundles;

public sealed class BundleEntriesTests
{
    [Theory]
    [InlineData("runs/20261124_101500_a/run.json", "20261124_101500_a", "run.json")]
    [InlineData("runs/r/models/production/model.zip", "r", "models/production/model.zip")]
    [InlineData("runs/r/artifacts/.keep", "r", "artifacts/.keep")]
    [InlineData("runs/r/données é.csv", "r", "données é.csv")]
    public void A_file_under_runs_splits_into_its_run_and_its_path(string entry, string run, string path) =>
        Assert.Equal((run, path), Expect.Succ(BundleEntries.Parse(entry)));

    public static TheoryData<string, string> UnsafeNames => new()
    {
        { "../x", "'..' segment" },
        { "runs/r/../../x", "'..' segment" },
        { "runs/r/./x", "'.' segment" },
        { "/etc/x", "absolute path" },
        { "C:/x", "drive letter" },
        { "runs/r/C:x", "':'" },
        { "runs\\r\\x", "backslash" },
        { "runs/r//x", "empty segment" },
        { "runs/r/x/", "empty segment" },
        { "runs/r/a\u0001b", "control character (U+0001)" },
        { "runs/r/a\u0085b", "control character (U+0085)" },
        { "", "empty" },
        { "other/x", "neither bundle.json nor a file under runs/<run>/" },
        { "runs/r", "neither bundle.json nor a file under runs/<run>/" },
        { "runs/.r/x", "hidden" },
        { "runs/r/.lock", "lock" },
        { "runs/r/.heartbeats/h-1.json", "heartbeat" },
        { "runs/r/.lock.queue/1.ticket", "lock" },
        { "runs/r/artifacts/.m.zip.host.12.0123456789abcdef0123456789abcdef.tmp", "temporary" },
    };

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public void An_unsafe_name_is_refused_naming_the_entry_and_why(string entry, string why)
    {
        var error = Assert.IsType<BundleEntryUnsafe>(Expect.Fail(BundleEntries.Parse(entry)));
        Assert.Equal((1602, ErrorKind.Security, (object?)entry), (error.Code, error.Kind, error.Target));
        Assert.Contains(why, error.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<uint, string?> Kinds => new()
    {
        { 0, null },
        { 0x81A4u << 16, null },
        { 0x81EDu << 16, null },
        { 0x20, null },                    // MS-DOS archive bit
        { 0xA1FFu << 16, "a symbolic link" },
        { 0x41EDu << 16, "a directory" },
        { 0x10, "a directory" },
        { 0x21A4u << 16, "a character device" },
        { 0x61A4u << 16, "a block device" },
        { 0x11A4u << 16, "a FIFO (named pipe)" },
        { 0xC1A4u << 16, "a socket" },
        { 0x400, "a reparse point (link)" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Only_plain_files_pass_the_check_of_the_external_attributes(uint attributes, string? refused)
    {
        var result = BundleEntries.CheckKind("runs/r/x", attributes);
        if (refused is null) Expect.Succ(result);
        else Assert.Equal($"it is {refused}; a bundle holds only plain files", Assert.IsType<BundleEntryUnsafe>(Expect.Fail(result)).Detail);
    }
}

public sealed class BundleTreeTests
{
    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    static readonly string A = new('a', 64), B = new('b', 64);

    [Fact]
    public void A_runs_tree_hash_is_the_hash_of_its_sorted_file_lines_whatever_the_order_given()
    {
        var files = Seq(new BundleFile("run.json", B, 20), new BundleFile("events.jsonl", A, 1000));

        Assert.Equal(Sha($"{A} 1000 events.jsonl\n{B} 20 run.json\n"), BundleTree.OfRun(files));
        Assert.Equal(BundleTree.OfRun(files), BundleTree.OfRun(files.Rev()));
    }

    [Fact]
    public void The_bundles_tree_hash_is_the_hash_of_its_runs_tree_lines_sorted_by_name()
    {
        var runs = Seq(Run("b", Seq1(new BundleFile("run.json", A, 1))), Run("a", Seq1(new BundleFile("run.json", B, 1))));

        Assert.Equal(Sha($"{runs[1].TreeSha256} a\n{runs[0].TreeSha256} b\n"), BundleTree.OfBundle(runs));
    }

    [Fact]
    public void Any_change_of_a_hash_a_length_or_a_path_changes_the_tree_hash()
    {
        var tree = BundleTree.OfRun(Seq1(new BundleFile("x", A, 1)));

        Assert.NotEqual(tree, BundleTree.OfRun(Seq1(new BundleFile("x", B, 1))));
        Assert.NotEqual(tree, BundleTree.OfRun(Seq1(new BundleFile("x", A, 2))));
        Assert.NotEqual(tree, BundleTree.OfRun(Seq1(new BundleFile("y", A, 1))));
    }

    internal static BundleRun Run(string name, Seq<BundleFile> files) =>
        BundleManifest.Of(Seq1((name, Guid.NewGuid(), "k", (string?)null, 1L, files))).Runs.Head;
}

public sealed class BundleJsonTests
{
    static readonly Guid Id = Guid.Parse("0b7c2f1e-7d0a-4a55-9f38-5d3c1c9f6a11");

    static BundleManifest Sample() => BundleManifest.Of(Seq1(("20261124_101500_a", Id, "a", (string?)new string('c', 64), 3L,
        Seq(new BundleFile("run.json", new string('b', 64), 20), new BundleFile("events.jsonl", new string('a', 64), 300)))));

    [Fact]
    public void Encodes_format_version_tree_hashes_runs_and_sorted_files_and_nothing_else()
    {
        var m = Sample();

        var text = Encoding.UTF8.GetString(BundleJson.Encode(m));

        Assert.Equal($$"""
            {
              "format": "runtools-bundle",
              "format_version": 1,
              "tree_sha256": "{{m.TreeSha256}}",
              "runs": [
                {
                  "name": "20261124_101500_a",
                  "run_id": "0b7c2f1e-7d0a-4a55-9f38-5d3c1c9f6a11",
                  "key": "a",
                  "chain_head": "{{new string('c', 64)}}",
                  "event_count": 3,
                  "tree_sha256": "{{m.Runs.Head.TreeSha256}}",
                  "files": [
                    {
                      "path": "events.jsonl",
                      "sha256": "{{new string('a', 64)}}",
                      "bytes": 300
                    },
                    {
                      "path": "run.json",
                      "sha256": "{{new string('b', 64)}}",
                      "bytes": 20
                    }
                  ]
                }
              ]
            }

            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Decodes_what_it_encodes()
    {
        var m = Sample();

        var decoded = Expect.Succ(BundleJson.Decode(BundleJson.Encode(m), "b.zip"));

        Assert.Equal(m.TreeSha256, decoded.TreeSha256);
        Assert.Equal(m.Runs.Head with { Files = Seq<BundleFile>() }, decoded.Runs.Head with { Files = Seq<BundleFile>() });
        Assert.Equal(m.Runs.Head.Files.ToList(), decoded.Runs.Head.Files.ToList());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "not json", "not valid JSON" },
        { "[]", "'$' is not an object" },
        { """{"format":"zip","format_version":1}""", "does not say \"format\": \"runtools-bundle\"" },
        { """{"format":"runtools-bundle","format_version":2,"runs":[]}""", "it has format version 2; this RunTools reads up to 1" },
        { """{"format":"runtools-bundle","format_version":0,"runs":[]}""", "format version 0 does not exist" },
        { """{"format":"runtools-bundle","format_version":1,"tree_sha256":"ABC","runs":[]}""", "'tree_sha256' is not a SHA-256 in lower-case hex" },
        { """{"format":"runtools-bundle","format_version":1,"tree_sha256":"%A%","runs":[{"name":"r","run_id":"x","key":"k","event_count":1,"tree_sha256":"%A%","files":[]}]}""", "is not a UUID" },
        { """{"format":"runtools-bundle","format_version":1,"tree_sha256":"%A%","runs":[{"name":"r","run_id":"0b7c2f1e-7d0a-4a55-9f38-5d3c1c9f6a11","key":"k","event_count":1,"tree_sha256":"%A%","files":[{"path":"x","sha256":"%A%","bytes":-1}]}]}""", "the length of 'x' is negative" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_malformed_or_newer_bundle_json_is_BundleInvalid_naming_the_bundle(string json, string why)
    {
        var error = Assert.IsType<BundleInvalid>(Expect.Fail(BundleJson.Decode(Encoding.UTF8.GetBytes(json.Replace("%A%", new string('a', 64))), "b.zip")));

        Assert.Equal((1601, ErrorKind.InvalidData, (object?)"b.zip"), (error.Code, error.Kind, error.Target));
        Assert.Contains(why, error.Detail, StringComparison.Ordinal);
    }
}

public sealed class BundleCheckTests
{
    static readonly string A = new('a', 64), B = new('b', 64);
    static readonly BundleLimits Limits = BundleLimits.Default;

    static BundleManifest Bundle(params (string Run, BundleFile[] Files)[] runs) =>
        BundleManifest.Of(toSeq(runs.Select(r => (r.Run, Guid.NewGuid(), "k", (string?)A, 2L, toSeq(r.Files)))));

    /// <summary>The entries that hold exactly the listed files, compressed 2:1.</summary>
    static Seq<ZipEntryInfo> EntriesOf(BundleManifest m) =>
        Seq1(new ZipEntryInfo("bundle.json", 100, 300, 0x81A4u << 16))
            .Concat(m.Runs.Bind(r => r.Files.Map(f => new ZipEntryInfo($"runs/{r.Name}/{f.Path}", f.Bytes / 2, f.Bytes, 0x81A4u << 16))));

    static readonly BundleManifest Two = Bundle(
        ("r2", [new("run.json", A, 10), new("logs/prep.log", B, 20)]),
        ("r1", [new("run.json", B, 30)]));

    static RunError[] Problems<T>(Fin<T> result) => Expect.Fail(result) switch
    {
        ManyErrors many => many.Errors.Map(e => (RunError)e).ToArray(),
        var one => [(RunError)one],
    };

    static (string Id, object? Target)[] Summary<T>(Fin<T> result) => Problems(result).Select(p => (p.ErrorId, p.Target)).ToArray();

    [Fact]
    public void A_bundle_whose_entries_are_its_listing_plans_every_file_in_entry_order()
    {
        var plan = Expect.Succ(BundleCheck.Plan(Two, EntriesOf(Two), Limits, "b.zip"));

        Assert.Equal(
            [
                new ExtractionItem("runs/r1/run.json", "r1", "run.json", B, 30),
                new ExtractionItem("runs/r2/logs/prep.log", "r2", "logs/prep.log", B, 20),
                new ExtractionItem("runs/r2/run.json", "r2", "run.json", A, 10),
            ],
            plan.Items.ToList());
    }

    [Fact]
    public void Missing_and_unlisted_files_are_each_a_mismatch_naming_the_entry()
    {
        var entries = EntriesOf(Two).Filter(e => e.Name != "runs/r2/logs/prep.log").Add(new ZipEntryInfo("runs/r1/extra.txt", 1, 1, 0));

        Assert.Equal([("BundleHashMismatch", (object?)"runs/r2/logs/prep.log"), ("BundleHashMismatch", "runs/r1/extra.txt")],
            Summary(BundleCheck.Plan(Two, entries, Limits, "b.zip")));
    }

    [Fact]
    public void Duplicate_entries_also_in_another_case_are_unsafe()
    {
        var entries = EntriesOf(Two).Add(new ZipEntryInfo("runs/r1/run.json", 1, 30, 0)).Add(new ZipEntryInfo("runs/R1/RUN.json", 1, 30, 0));

        var problems = Problems(BundleCheck.Plan(Two, entries, Limits, "b.zip")).ToArray();

        Assert.Equal([("BundleEntryUnsafe", (object?)"runs/r1/run.json"), ("BundleEntryUnsafe", "runs/R1/RUN.json")], problems.Select(p => (p.ErrorId, p.Target)));
        Assert.Equal("the zip holds it twice", ((BundleEntryUnsafe)problems[0]).Detail);
        Assert.Equal("the zip also holds 'runs/r1/run.json', which differs only in case", ((BundleEntryUnsafe)problems[1]).Detail);
    }

    [Fact]
    public void Unsafe_entries_are_all_reported_before_anything_is_compared_with_the_listing()
    {
        var entries = EntriesOf(Two).Add(new ZipEntryInfo("../x", 1, 1, 0)).Add(new ZipEntryInfo("runs/r1/link", 1, 1, 0xA1FFu << 16));

        Assert.Equal([("BundleEntryUnsafe", (object?)"../x"), ("BundleEntryUnsafe", "runs/r1/link")], Summary(BundleCheck.Plan(Two, entries, Limits, "b.zip")));
    }

    [Fact]
    public void A_file_listed_larger_than_the_limit_is_too_large_before_its_size_is_compared()
    {
        var m = Bundle(("r", [new("big.bin", A, Limits.MaxEntryBytes + 1)]));

        Assert.Equal([("BundleTooLarge", (object?)"runs/r/big.bin")], Summary(BundleCheck.Plan(m, EntriesOf(m), Limits, "b.zip")));
    }

    [Fact]
    public void Files_larger_together_than_the_total_limit_are_too_large_naming_the_bundle()
    {
        var limits = Limits with { MaxTotalBytes = 50 };

        Assert.Equal([("BundleTooLarge", (object?)"b.zip")], Summary(BundleCheck.Plan(Two, EntriesOf(Two), limits, "b.zip")));
    }

    [Fact]
    public void A_file_compressed_beyond_the_ratio_is_too_large_only_above_the_floor()
    {
        var big = Bundle(("r", [new("zeros.bin", A, (2 << 20) + 1)]), ("s", [new("small.bin", B, 1000)]));
        var entries = EntriesOf(big).Map(e => e with { CompressedBytes = e.Name == "bundle.json" ? 100 : 1 });

        var problem = Assert.IsType<BundleTooLarge>(Assert.Single(Problems(BundleCheck.Plan(big, entries, Limits, "b.zip"))));
        Assert.Equal("runs/r/zeros.bin", problem.Entry);
        Assert.Contains("ratio over 200:1", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_in_the_zip_that_differs_from_the_listing_is_a_mismatch()
    {
        var entries = EntriesOf(Two).Map(e => e.Name == "runs/r1/run.json" ? e with { Bytes = 31 } : e);

        Assert.Equal([("BundleHashMismatch", (object?)"runs/r1/run.json")], Summary(BundleCheck.Plan(Two, entries, Limits, "b.zip")));
    }

    [Fact]
    public void An_edited_listing_fails_its_run_tree_hash_before_the_entries_are_looked_at()
    {
        var edited = Two with { Runs = Two.Runs.Map(r => r.Name == "r1" ? r with { Files = Seq1(new BundleFile("run.json", A, 30)) } : r) };

        var problem = Assert.IsType<BundleHashMismatch>(Assert.Single(Problems(BundleCheck.Plan(edited, Seq<ZipEntryInfo>(), Limits, "b.zip"))));
        Assert.Equal("b.zip", problem.Target);
        Assert.Contains("run 'r1'", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edited_bundle_tree_hash_is_a_mismatch_naming_the_bundle()
    {
        var edited = Two with { TreeSha256 = B };

        Assert.Equal([("BundleHashMismatch", (object?)"b.zip")], Summary(BundleCheck.Plan(edited, EntriesOf(Two), Limits, "b.zip")));
    }

    [Fact]
    public void A_listing_with_unsafe_names_twice_listed_paths_and_a_file_that_is_also_a_folder_is_refused()
    {
        var m = Bundle(("r", [new("a", A, 1), new("a/b", A, 1), new("X", A, 1), new("x", A, 1), new("../up", A, 1)]), (".hidden", [new("run.json", A, 1)]));

        Assert.Equal(
            [
                ("BundleEntryUnsafe", (object?)"runs/.hidden/"),
                ("BundleEntryUnsafe", "runs/r/../up"),
                ("BundleEntryUnsafe", "runs/r/x"),
                ("BundleEntryUnsafe", "runs/r/a/b"),
            ],
            Summary(BundleCheck.Plan(m, EntriesOf(m), Limits, "b.zip")));
    }

    [Fact]
    public void Two_runs_with_one_id_or_names_that_differ_only_in_case_are_refused()
    {
        var id = Guid.NewGuid();
        var m = BundleManifest.Of(Seq(("r", id, "k", (string?)null, 1L, Seq1(new BundleFile("run.json", A, 1))),
            ("R", Guid.NewGuid(), "k", (string?)null, 1L, Seq1(new BundleFile("run.json", A, 1))),
            ("s", id, "k", (string?)null, 1L, Seq1(new BundleFile("run.json", A, 1)))));

        Assert.Equal([("BundleEntryUnsafe", (object?)"runs/r/"), ("BundleEntryUnsafe", "runs/s/")], Summary(BundleCheck.Plan(m, EntriesOf(m), Limits, "b.zip")));
    }

    [Fact]
    public void More_entries_than_the_limit_is_too_large_naming_the_bundle()
    {
        Assert.Equal([("BundleTooLarge", (object?)"b.zip")], Summary(BundleCheck.Plan(Two, EntriesOf(Two), Limits with { MaxEntries = 3 }, "b.zip")));
    }

    [Fact]
    public void At_most_twenty_problems_are_reported()
    {
        var entries = EntriesOf(Two).Concat(toSeq(Enumerable.Range(0, 50).Select(i => new ZipEntryInfo($"/abs{i}", 1, 1, 0))));

        Assert.Equal(BundleCheck.MaxReported, Problems(BundleCheck.Plan(Two, entries, Limits, "b.zip")).Count());
    }
}
