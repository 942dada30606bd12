using System.Buffers.Binary;
using System.Numerics;

namespace RunTools.Tables;

/// <summary>See <see cref="Utf8Decimal.ShapeOf(ReadOnlySpan{byte}, int, int)"/>.</summary>
internal enum NumberShape : byte { Undecided, Integer, Number }

/// <summary>
/// A decimal number in ASCII as <see cref="TryScan(ReadOnlySpan{byte}, int, int, out Utf8Decimal)"/> found it:
/// ±<see cref="Mantissa"/> × 10^<see cref="Exponent"/>, exact (at most 19 significant digits).
/// <para>Why the byte reader has its own number parser (issue 10, item 5; tests/RunTools.Benchmarks
/// Utf8NumberBenchmarks, same run, 2026-12-02, machine loaded by other builds): the 3,000,000 "R"-formatted doubles of
/// the 100,000 × 32 training file parse in 275 ms through this scan and Eisel-Lemire, and in 1,143 ms through the
/// framework's <c>double.TryParse</c> over the same UTF-8 bytes (4.2×; in-process 308 vs 1,083 ms). Sep's csFastFloat
/// needs UTF-16 text, and reading through Sep was 1.87× this reader as a whole (see CsvTables). Integers are no
/// reason: 200,000 of them take 23.9 ms here and 24.9 ms through <c>long.TryParse</c>; <see cref="TryToLong"/> is only
/// kept because the same scan classifies cells (<see cref="ShapeOf(ReadOnlySpan{byte}, int, int)"/>).</para>
/// </summary>
/// <param name="IsInteger">Written without a decimal point or exponent (what <c>long.TryParse</c> can accept).</param>
internal readonly record struct Utf8Decimal(ulong Mantissa, int Exponent, bool Negative, bool IsInteger)
{
    const int MaxSignificantDigits = 19; // 10^19 - 1 < 2^64: the mantissa is exact
    const int MaxExponent = 99_999; // larger exponents (and their overflow) are left to the framework's parser

    /// <summary>
    /// The common shapes of a number, and only those: optional white space (U+0009-U+000D, U+0020, as
    /// <c>NumberStyles.AllowLeadingWhite</c>/<c>AllowTrailingWhite</c> have it), an optional + or -, ASCII digits with
    /// an optional '.' (at least one digit in all), an optional exponent (e or E, optional sign, digits), white space.
    /// Every text that passes is one that <c>double.TryParse(…, NumberStyles.Float, InvariantCulture)</c> accepts; false
    /// means "not decided here" (NaN, Infinity, more than 19 significant digits, anything unusual), not "not a number":
    /// the caller asks the framework then.
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> text, out Utf8Decimal value) => TryScan(text, 0, text.Length, out value);

    /// <summary><see cref="TryScan(ReadOnlySpan{byte}, out Utf8Decimal)"/> for the text buffer[start..end).</summary>
    public static bool TryScan(ReadOnlySpan<byte> buffer, int start, int end, out Utf8Decimal value)
    {
        unchecked
        {
            value = default;
            if (!Trim(buffer, ref start, ref end)) return false;

            var i = start;
            var negative = false;
            if (buffer[i] == '-')
            {
                negative = true;
                i++;
            }
            else if (buffer[i] == '+')
            {
                i++;
            }

            // The digits (wrapping past 19 of them, which is checked below).
            ulong mantissa = 0;
            var digitsStart = i;
            i = Digits(buffer, i, end, ref mantissa);
            var digits = i - digitsStart;
            var fraction = 0;
            var isInteger = true;
            if (i < end && buffer[i] == '.')
            {
                isInteger = false;
                var fractionStart = ++i;
                i = Digits(buffer, i, end, ref mantissa);
                fraction = i - fractionStart;
                digits += fraction;
            }
            if (digits == 0) return false;
            // Leading zeros add nothing to the mantissa; more than 19 other digits would have wrapped it.
            if (digits > MaxSignificantDigits && SignificantDigits(buffer[digitsStart..i]) > MaxSignificantDigits) return false;

            var exponent = -fraction;
            if (i < end && (buffer[i] | 0x20) == 'e')
            {
                i++;
                isInteger = false;
                var negativeExponent = false;
                if (i < end && buffer[i] is (byte)'-' or (byte)'+')
                {
                    negativeExponent = buffer[i] == '-';
                    i++;
                }
                var exponentStart = i;
                var written = 0;
                while (i < end && (uint)(buffer[i] - '0') <= 9)
                {
                    written = written * 10 + (buffer[i++] - '0');
                    if (written > MaxExponent) return false;
                }
                if (i == exponentStart) return false;
                exponent += negativeExponent ? -written : written;
            }
            if (i != end) return false;
            value = new Utf8Decimal(mantissa, exponent, negative, isInteger);
            return true;
        }
    }

    /// <summary>What <see cref="TryScan(ReadOnlySpan{byte}, int, int, out Utf8Decimal)"/> would make of a text,
    /// without computing the value (the survey of a column needs only the kind): <see cref="NumberShape.Integer"/>
    /// when it is written as an integer that fits in a long, <see cref="NumberShape.Number"/> for any other number,
    /// <see cref="NumberShape.Undecided"/> when TryScan would return false.</summary>
    public static NumberShape ShapeOf(ReadOnlySpan<byte> text) => ShapeOf(text, 0, text.Length);

    public static NumberShape ShapeOf(ReadOnlySpan<byte> buffer, int start, int end)
    {
        if (!Trim(buffer, ref start, ref end)) return NumberShape.Undecided;
        var i = buffer[start] is (byte)'-' or (byte)'+' ? start + 1 : start;
        var digitsStart = i;
        i = DigitsEnd(buffer, i, end);
        var digits = i - digitsStart;
        if (i == end)
        {
            // An integer: up to 18 digits always fit in a long; longer ones are left to the exact scan.
            if (digits == 0) return NumberShape.Undecided;
            if (digits <= 18) return NumberShape.Integer;
            return TryScan(buffer, start, end, out var wide) ? (wide.TryToLong(out _) ? NumberShape.Integer : NumberShape.Number) : NumberShape.Undecided;
        }
        if (buffer[i] == '.')
        {
            var fractionStart = ++i;
            i = DigitsEnd(buffer, i, end);
            digits += i - fractionStart;
        }
        if (digits == 0) return NumberShape.Undecided;
        if (digits > MaxSignificantDigits && SignificantDigits(buffer[digitsStart..i]) > MaxSignificantDigits) return NumberShape.Undecided;
        if (i < end && (buffer[i] | 0x20) == 'e')
        {
            i++;
            if (i < end && buffer[i] is (byte)'-' or (byte)'+') i++;
            var exponentStart = i;
            while (i < end && (uint)(buffer[i] - '0') <= 9) i++;
            // As TryScan: at least one digit, and at most MaxExponent (five digits after any leading zeros).
            if (i == exponentStart || SignificantDigits(buffer[exponentStart..i]) > 5) return NumberShape.Undecided;
        }
        return i == end ? NumberShape.Number : NumberShape.Undecided;
    }

    /// <summary>Narrows [start, end) to leave out number white space at both ends; false when nothing is left.</summary>
    static bool Trim(ReadOnlySpan<byte> buffer, ref int start, ref int end)
    {
        if (start >= end) return false;
        if (!IsNumberWhite(buffer[start]) && !IsNumberWhite(buffer[end - 1])) return true;
        while (start < end && IsNumberWhite(buffer[start])) start++;
        while (end > start && IsNumberWhite(buffer[end - 1])) end--;
        return start < end;
    }

    static int SignificantDigits(ReadOnlySpan<byte> digits)
    {
        var first = digits.IndexOfAnyExcept((byte)'0', (byte)'.');
        if (first < 0) return 0;
        var rest = digits[first..];
        return rest.Length - (rest.Contains((byte)'.') ? 1 : 0);
    }

    /// <summary>The end of the run of ASCII digits at buffer[i..end), adding them to <paramref name="mantissa"/>:
    /// eight at a time while the next eight bytes are digits (SWAR, as in Lemire's fast_float), then one by one.</summary>
    static int Digits(ReadOnlySpan<byte> buffer, int i, int end, ref ulong mantissa)
    {
        unchecked
        {
            while (end - i >= 8)
            {
                var word = BinaryPrimitives.ReadUInt64LittleEndian(buffer[i..]);
                if (!AreEightDigits(word)) break;
                mantissa = mantissa * 100_000_000 + EightDigitsValue(word);
                i += 8;
            }
            while (i < end && (uint)(buffer[i] - '0') <= 9) mantissa = mantissa * 10 + (uint)(buffer[i++] - '0');
            return i;
        }
    }

    /// <summary>The end of the run of ASCII digits at buffer[i..end).</summary>
    static int DigitsEnd(ReadOnlySpan<byte> buffer, int i, int end)
    {
        while (end - i >= 8 && AreEightDigits(BinaryPrimitives.ReadUInt64LittleEndian(buffer[i..]))) i += 8;
        while (i < end && (uint)(buffer[i] - '0') <= 9) i++;
        return i;
    }

    /// <summary>Whether the eight bytes of a word are all ASCII digits: each has the high nibble 3, and adding 6 to it
    /// leaves the high nibble 3 (an addition can carry only out of a byte whose high nibble is not 3).</summary>
    static bool AreEightDigits(ulong word) =>
        ((word & 0xF0F0_F0F0_F0F0_F0F0) | (((word + 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)) == 0x3333_3333_3333_3333;

    /// <summary>The value of eight ASCII digits, the first in the lowest byte.</summary>
    static ulong EightDigitsValue(ulong word)
    {
        unchecked
        {
            word -= 0x3030_3030_3030_3030;
            word = (word * 10) + (word >> 8); // pairs of digits
            const ulong mask = 0x0000_00FF_0000_00FF;
            const ulong mul1 = 0x000F_4240_0000_0064; // 100 + (1000000 << 32)
            const ulong mul2 = 0x0000_2710_0000_0001; // 1 + (10000 << 32)
            return (((word & mask) * mul1) + (((word >> 16) & mask) * mul2)) >> 32;
        }
    }

    /// <summary>U+0009-U+000D and U+0020: the white space that number parsing allows around a number.</summary>
    public static bool IsNumberWhite(byte b) => b == ' ' || (uint)(b - '\t') <= '\r' - '\t';

    /// <summary>The value as a long, when it is written as an integer and fits (exactly <c>long.TryParse</c>'s answer,
    /// since the mantissa is exact).</summary>
    public bool TryToLong(out long result)
    {
        result = 0;
        if (!IsInteger) return false;
        if (Negative)
        {
            if (Mantissa > 1UL << 63) return false;
            result = unchecked(-(long)Mantissa);
        }
        else
        {
            if (Mantissa > long.MaxValue) return false;
            result = (long)Mantissa;
        }
        return true;
    }

    /// <summary>The nearest double (ties to even), bit for bit what <c>double.Parse</c> gives, when it can be found
    /// cheaply: Clinger's fast path (an exact mantissa and power of ten), else the Eisel-Lemire algorithm. False for the
    /// rare inputs that neither decides (halfway cases, subnormals, overflow, exponents beyond the table).</summary>
    public bool TryToDouble(out double result)
    {
        if (Mantissa == 0)
        {
            result = Negative ? -0.0 : 0.0;
            return true;
        }
        if (Mantissa <= 1UL << 53 && Exponent is >= -22 and <= 22)
        {
            // Both operands are exact doubles, so one IEEE multiplication or division rounds correctly.
            double m = Mantissa;
            m = Exponent < 0 ? m / ExactPowersOfTen[-Exponent] : m * ExactPowersOfTen[Exponent];
            result = Negative ? -m : m;
            return true;
        }
        return TryEiselLemire(Mantissa, Exponent, Negative, out result);
    }

    static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Daniel Lemire, "Number Parsing at a Gigabyte per Second" (2021), after Michael Eisel; the shape of this
    /// function follows Nigel Tao's write-up (nigeltao.github.io/blog/2020/eisel-lemire.html). man × 10^exp10 is
    /// multiplied by a 128-bit truncation of the power of ten; when the truncation could change the rounding (or the
    /// value is exactly halfway, subnormal or out of range) it gives up and the caller falls back to the framework.
    /// </summary>
    static bool TryEiselLemire(ulong man, int exp10, bool negative, out double result)
    {
        unchecked
        {
            result = 0;
            if (exp10 < MinPowerOfTen || exp10 > MaxPowerOfTen) return false;

            // Normalize the mantissa so that its top bit is set.
            var clz = BitOperations.LeadingZeroCount(man);
            man <<= clz;
            // 217706 / 2^16 ≈ log2(10): the binary exponent of the table's entry, biased for a double.
            var retExp2 = (ulong)(((217706 * exp10) >> 16) + 64 + 1023) - (ulong)clz;

            var power = PowersOfTen[exp10 - MinPowerOfTen];
            var xHi = Math.BigMul(man, power.Hi, out var xLo);

            // The low 9 bits of xHi are all ones and the product's low half may carry into them: widen with the
            // table's next 64 bits.
            if ((xHi & 0x1FF) == 0x1FF && xLo + man < man)
            {
                var yHi = Math.BigMul(man, power.Lo, out var yLo);
                var mergedHi = xHi;
                var mergedLo = xLo + yHi;
                if (mergedLo < xLo) mergedHi++;
                if ((mergedHi & 0x1FF) == 0x1FF && mergedLo + 1 == 0 && yLo + man < man) return false;
                xHi = mergedHi;
                xLo = mergedLo;
            }

            // Keep 54 bits: the 53 of a double and one to round with.
            var msb = xHi >> 63;
            var retMantissa = xHi >> (int)(msb + 9);
            retExp2 -= 1 ^ msb;

            // Exactly halfway between two doubles: the truncated bits cannot tell which way to round.
            if (xLo == 0 && (xHi & 0x1FF) == 0 && (retMantissa & 3) == 1) return false;

            retMantissa += retMantissa & 1;
            retMantissa >>= 1;
            if (retMantissa >> 53 > 0)
            {
                retMantissa >>= 1;
                retExp2++;
            }
            // Zero (or wrapped below it): subnormal; 0x7FF and above: infinite. Both are left to the framework.
            if (retExp2 - 1 >= 0x7FF - 1) return false;

            var bits = (retExp2 << 52) | (retMantissa & 0x000F_FFFF_FFFF_FFFF);
            if (negative) bits |= 0x8000_0000_0000_0000;
            result = BitConverter.UInt64BitsToDouble(bits);
            return true;
        }
    }

    const int MinPowerOfTen = -348, MaxPowerOfTen = 347;

    /// <summary>10^q for q in [-348, 347] as a 128-bit mantissa with its top bit set, rounded down (the binary
    /// exponent is implied: see retExp2). Computed once, exactly, with BigInteger rather than pasted in.</summary>
    static readonly (ulong Hi, ulong Lo)[] PowersOfTen = ComputePowersOfTen();

    static (ulong Hi, ulong Lo)[] ComputePowersOfTen()
    {
        var table = new (ulong, ulong)[MaxPowerOfTen - MinPowerOfTen + 1];
        var low64 = (BigInteger.One << 64) - 1;
        for (var q = MinPowerOfTen; q <= MaxPowerOfTen; q++)
        {
            BigInteger m;
            if (q >= 0)
            {
                var power = BigInteger.Pow(10, q);
                var bits = (int)power.GetBitLength();
                m = bits >= 128 ? power >> (bits - 128) : power << (128 - bits);
            }
            else
            {
                // floor(2^k / 10^-q) with k such that the quotient has exactly 128 bits (10^-q is not a power of two).
                var power = BigInteger.Pow(10, -q);
                m = (BigInteger.One << (127 + (int)power.GetBitLength())) / power;
            }
            table[q - MinPowerOfTen] = ((ulong)(m >> 64), (ulong)(m & low64));
        }
        return table;
    }
}
