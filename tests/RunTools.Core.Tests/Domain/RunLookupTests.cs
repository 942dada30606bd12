using RunTools.Domain;
using RunTools.Tests.Config;

namespace RunTools.Tests.Domain;

/// <summary>The rule that turns what a user types for a run into the run: name, key (latest), id, id prefix, and
/// the error that suggests near matches.</summary>
public sealed class RunLookupTests
{
    const string Root = "/data/runs";
    static readonly DateTimeOffset T0 = new(2026, 12, 1, 23, 6, 38, TimeSpan.Zero);

    static readonly RunEntry NaiveOld = Entry("20261201_230638_naive-bayes-t4", "naive-bayes-t4", "6f1c2a90-1111-4a4a-9b9b-000000000001", 0);
    static readonly RunEntry NaiveNew = Entry("20261202_101500_naive-bayes-t4", "naive-bayes-t4", "a83e55d1-2222-4a4a-9b9b-000000000002", 60);
    static readonly RunEntry Boost = Entry("20261202_110000_gradient-boost", "gradient-boost", "a83e77c4-3333-4a4a-9b9b-000000000003", 120);
    static readonly RunEntry Forest = Entry("20261202_120000_random-forest", "random-forest", "0b2d9e41-4444-4a4a-9b9b-000000000004", 180);
    static readonly Seq<RunEntry> Runs = Seq(NaiveNew, Boost, NaiveOld, Forest); // a listing's order is not the rule's

    static RunEntry Entry(string name, string key, string id, int minutes) =>
        new(name, $"{Root}/{name}", key, Guid.Parse(id), T0.AddMinutes(minutes));

    [Fact]
    public void A_directory_name_names_its_run() =>
        Assert.Equal(new RunMatch(NaiveOld, RunMatchKind.Name, 1), Expect.Succ(RunLookup.Resolve(NaiveOld.Name, Runs, Root)));

    [Fact]
    public void A_name_is_matched_without_regard_to_case() =>
        Assert.Equal(Forest, Expect.Succ(RunLookup.Resolve(Forest.Name.ToUpperInvariant(), Runs, Root)).Run);

    [Fact]
    public void A_key_names_the_latest_run_with_it_and_says_how_many_matched() =>
        Assert.Equal(new RunMatch(NaiveNew, RunMatchKind.Key, 2), Expect.Succ(RunLookup.Resolve("naive-bayes-t4", Runs, Root)));

    [Fact]
    public void A_key_that_one_run_has_matches_once() =>
        Assert.Equal(new RunMatch(Boost, RunMatchKind.Key, 1), Expect.Succ(RunLookup.Resolve("gradient-boost", Runs, Root)));

    [Fact]
    public void A_directory_name_wins_over_a_key_it_equals()
    {
        var odd = new RunEntry("gradient-boost", $"{Root}/gradient-boost", "imported", Guid.NewGuid(), T0);
        Assert.Equal(new RunMatch(odd, RunMatchKind.Name, 1), Expect.Succ(RunLookup.Resolve("gradient-boost", Runs.Add(odd), Root)));
    }

    [Theory]
    [InlineData("0b2d9e41-4444-4a4a-9b9b-000000000004")]
    [InlineData("0B2D9E41-4444-4A4A-9B9B-000000000004")]
    [InlineData("0b2d9e4144444a4a9b9b000000000004")]
    [InlineData("{0b2d9e41-4444-4a4a-9b9b-000000000004}")]
    public void An_id_in_any_of_its_written_forms_names_its_run(string id) =>
        Assert.Equal(new RunMatch(Forest, RunMatchKind.Id, 1), Expect.Succ(RunLookup.Resolve(id, Runs, Root)));

    [Theory]
    [InlineData("0b2d")]
    [InlineData("0B2D9E")]
    [InlineData("0b2d9e41-44")]
    public void The_leading_characters_of_one_runs_id_name_it(string prefix) =>
        Assert.Equal(new RunMatch(Forest, RunMatchKind.IdPrefix, 1), Expect.Succ(RunLookup.Resolve(prefix, Runs, Root)));

    [Fact]
    public void Fewer_than_four_leading_characters_name_no_run() =>
        Assert.IsType<RunNotFound>(Expect.Fail(RunLookup.Resolve("0b2", Runs, Root)));

    [Fact]
    public void Leading_characters_of_several_runs_ids_are_ambiguous_and_name_those_runs_oldest_first() =>
        Expect.Error(new RunIdAmbiguous("a83e", Seq(NaiveNew.Name, Boost.Name)), RunLookup.Resolve("a83e", Runs, Root));

    [Fact]
    public void Copies_of_one_run_id_are_not_ambiguous_the_latest_copy_is_taken()
    {
        var copy = Forest with { Name = "20261203_000000_random-forest", Path = $"{Root}/copy", CreatedAt = T0.AddDays(2) };
        Assert.Equal(new RunMatch(copy, RunMatchKind.IdPrefix, 2), Expect.Succ(RunLookup.Resolve("0b2d9e", Runs.Add(copy), Root)));
    }

    [Fact]
    public void A_name_that_matches_nothing_is_RunNotFound_with_the_nearest_names() =>
        Expect.Error(new RunNotFound("naive-bayes-t5", Root, Seq1("naive-bayes-t4")), RunLookup.Resolve("naive-bayes-t5", Runs, Root));

    [Fact]
    public void The_error_message_names_the_root_and_the_suggestions() =>
        Assert.Equal("No run was found at or named 'naive-bayes-t5' under '/data/runs'. Did you mean 'naive-bayes-t4'?",
            Expect.Fail(RunLookup.Resolve("naive-bayes-t5", Runs, Root)).Message);

    [Fact]
    public void Nothing_alike_suggests_nothing() =>
        Assert.Equal("No run was found at or named 'zzzzzzzz' under '/data/runs'.", Expect.Fail(RunLookup.Resolve("zzzzzzzz", Runs, Root)).Message);

    [Fact]
    public void At_most_three_suggestions_typos_first_then_names_that_contain_what_was_typed()
    {
        var runs = Seq(Entry("20261201_000000_tree", "tree", "11111111-0000-4000-8000-000000000001", 0),
            Entry("20261201_000001_trees", "trees", "11111111-0000-4000-8000-000000000002", 1),
            Entry("20261201_000002_tree-deep", "tree-deep", "11111111-0000-4000-8000-000000000003", 2),
            Entry("20261201_000003_tree-deeper", "tree-deeper", "11111111-0000-4000-8000-000000000004", 3),
            Entry("20261201_000004_bagged-tree", "bagged-tree", "11111111-0000-4000-8000-000000000005", 4));
        Assert.Equal(Seq("tree", "trees", "tree-deep"), RunLookup.NearMatches("tre", runs));
    }

    [Fact]
    public void A_key_shared_by_several_runs_is_suggested_once() =>
        Assert.Equal(Seq1("naive-bayes-t4"), RunLookup.NearMatches("naive-bayes", Runs.Filter(r => r.Key == "naive-bayes-t4")));

    [Fact]
    public void A_path_is_matched_by_its_last_segment() =>
        Assert.Equal(Seq1("random-forest"), RunLookup.NearMatches("/data/runs/random-forset", Runs));

    [Fact]
    public void With_All_a_key_names_every_run_with_it_oldest_first() =>
        Assert.Equal(Seq(NaiveOld, NaiveNew), Expect.Succ(RunLookup.ResolveAll("NAIVE-bayes-t4", Runs, Root)));

    [Fact]
    public void With_All_a_name_or_id_still_names_one_run() =>
        Assert.Equal(Seq1(Boost), Expect.Succ(RunLookup.ResolveAll("a83e77", Runs, Root)));

    [Fact]
    public void A_run_whose_manifest_did_not_read_is_found_by_its_directory_name_only()
    {
        var damaged = new RunEntry("20261205_000000_broken", $"{Root}/20261205_000000_broken", null, null, null);
        Assert.Equal(damaged, Expect.Succ(RunLookup.Resolve("20261205_000000_broken", Runs.Add(damaged), Root)).Run);
        Assert.IsType<RunNotFound>(Expect.Fail(RunLookup.Resolve("broken", Runs.Add(damaged), Root)));
    }

    [Theory]
    [InlineData("x", true)]
    [InlineData("20261201_230638_x", true)]
    [InlineData("naive-bayes.v2", true)]
    [InlineData("6f1c2a90", true)]
    [InlineData("{0b2d9e41-4444-4a4a-9b9b-000000000004}", true)]
    [InlineData("runs/x", false)]
    [InlineData("runs\\x", false)]
    [InlineData("./x", false)]
    [InlineData("..", false)]
    [InlineData("/abs/x", false)]
    [InlineData("C:x", false)]
    [InlineData("~", false)]
    [InlineData("x*", false)]
    [InlineData("", false)]
    public void Only_letters_digits_dots_underscores_and_hyphens_or_a_guid_can_be_a_name(string text, bool name) =>
        Assert.Equal(name, RunLookup.IsName(text));

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("naive-bayes-t5", "naive-bayes-t4", 1)]
    [InlineData("gradient-bost", "gradient-boost", 1)]
    [InlineData("naive-baeys", "naive-bayes", 1)] // two neighbours swapped is one edit
    [InlineData("ABC", "abc", 0)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int distance)
    {
        Assert.Equal(distance, RunLookup.EditDistance(a, b));
        Assert.Equal(distance, RunLookup.EditDistance(b, a));
    }

    [Fact]
    public void Edit_distance_stops_counting_past_the_cap() =>
        Assert.Equal(3, RunLookup.EditDistance("aaaaaaaaaa", "bbbbbbbbbb", cap: 2));

    /// <summary>Whatever the runs (keys drawn from a few, creation times in any order, with ties): every run's name
    /// names it, and every key names the run created last among those with it, counting them all.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Names_name_their_run_and_keys_their_latest_run(byte[] draws)
    {
        var runs = toSeq(draws.Take(40).Select((d, i) =>
        {
            var key = $"k{d % 5}";
            return new RunEntry($"2026_{i:D3}_{key}", $"{Root}/{i}", key, Guid.NewGuid(), T0.AddSeconds(d / 5 % 7));
        }).ToArray());
        foreach (var run in runs)
            Assert.Equal(new RunMatch(run, RunMatchKind.Name, 1), Expect.Succ(RunLookup.Resolve(run.Name, runs, Root)));
        foreach (var group in runs.GroupBy(r => r.Key))
        {
            var match = Expect.Succ(RunLookup.Resolve(group.Key!, runs, Root));
            Assert.Equal(group.Count(), match.Matching);
            Assert.Equal(group.Max(r => r.CreatedAt), match.Run.CreatedAt);
            Assert.Equal(group.Count(), Expect.Succ(RunLookup.ResolveAll(group.Key!, runs, Root)).Count);
        }
    }

    /// <summary>Every id, and its first eight characters when no other id begins with them, names its run.</summary>
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public void Ids_and_unique_prefixes_name_their_run(byte count)
    {
        var runs = toSeq(Enumerable.Range(0, 1 + count % 30)
            .Select(i => new RunEntry($"r{i}", $"{Root}/r{i}", $"k{i}", Guid.NewGuid(), T0.AddSeconds(i))).ToArray());
        foreach (var run in runs)
        {
            var id = run.Id!.Value.ToString("D");
            Assert.Equal(run, Expect.Succ(RunLookup.Resolve(id, runs, Root)).Run);
            if (runs.Count(r => r.Id!.Value.ToString("D").StartsWith(id[..8], StringComparison.Ordinal)) == 1)
                Assert.Equal(new RunMatch(run, RunMatchKind.IdPrefix, 1), Expect.Succ(RunLookup.Resolve(id[..8], runs, Root)));
        }
    }
}
