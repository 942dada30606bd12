namespace RunTools.Randomness;

/// <summary>
/// The core's only source of randomness: xoshiro256** seeded through SplitMix64. Implemented here (not
/// System.Random) so a seed gives the same fold plan or SMOTE sample on every platform and .NET version.
/// The state is private and only advanced by the function that created the generator, so code using it stays a
/// pure function of its seed.
/// </summary>
public sealed class Prng
{
    ulong s0, s1, s2, s3;

    Prng(ulong seed)
    {
        var x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    public static Prng Create(ulong seed) => new(seed);

    /// <summary>A seed for a sub-task (say repeat 2, outer fold 3) derived from a parent seed, so sub-tasks are
    /// independent of each other and of the order they run in. Each step of the path goes through the full SplitMix64
    /// finaliser, so different paths give unrelated seeds (not, say, the same seed for (0, 3) and (1, 2)).</summary>
    public static ulong Derive(ulong seed, params long[] path)
    {
        var x = seed;
        foreach (var p in path)
        {
            x ^= unchecked((ulong)p);
            x = SplitMix(ref x);
        }
        return SplitMix(ref x);
    }

    static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

    public ulong NextUInt64()
    {
        var result = Rotl(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Rotl(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, exclusiveMax), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0) throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "must be positive");
        var bound = (ulong)exclusiveMax;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            var product = Math.BigMul(r, bound, out var low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A Fisher–Yates shuffled copy.</summary>
    public T[] Shuffled<T>(IEnumerable<T> items)
    {
        var copy = items.ToArray();
        for (var i = copy.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }
}
