using RunTools.Randomness;

namespace RunTools.Core.Tests.Randomness;

public sealed class PrngTests
{
    [Fact]
    public void Derived_seeds_of_different_paths_are_all_different()
    {
        // The paths training derives seeds from: repeat, outer fold (-1: production), inner fold (-1: none),
        // candidate, variant. Sub-tasks must not share a random stream.
        var paths = (from r in Enumerable.Range(0, 3)
                     from o in Enumerable.Range(-1, 6)
                     from i in Enumerable.Range(-1, 6)
                     from c in Enumerable.Range(0, 3)
                     from v in Enumerable.Range(0, 2)
                     select new long[] { r, o, i, c, v }).ToArray();

        var seeds = paths.Select(p => Prng.Derive(42, p)).ToHashSet();

        Assert.Equal(paths.Length, seeds.Count);
    }

    [Fact]
    public void Derived_seeds_differ_by_path_length_and_parent_seed()
    {
        Assert.Equal(5, new[] { Prng.Derive(7), Prng.Derive(7, 0), Prng.Derive(7, 0, 0), Prng.Derive(8, 0), Prng.Derive(8) }.Distinct().Count());
    }

    [Fact]
    public void A_derived_seed_is_a_function_of_seed_and_path_only()
    {
        Assert.Equal(Prng.Derive(42, 1, 3), Prng.Derive(42, 1, 3));
        Assert.NotEqual(Prng.Derive(42, 1, 3), Prng.Derive(42, 3, 1));
    }
}
