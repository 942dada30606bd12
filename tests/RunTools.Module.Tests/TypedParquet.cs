using System.Numerics;
using System.Reflection;
using Parquet;
using Parquet.Data;
using Parquet.Schema;
using Parquet.Serialization;

namespace RunTools.Module.Tests;

/// <summary>
/// A Parquet file with a column of every date, timestamp and decimal encoding, written by Parquet.Net as a pandas or
/// database export would hold them, plus a label that two features predict:
/// <list type="bullet">
/// <item><c>day</c>: DATE (INT32), one day per 4 rows (a group); <c>at</c>: TIMESTAMP(MICROS, isAdjustedToUTC=false),
/// one hour apart (unique: an id, or the walk-forward time); <c>at_utc</c>: TIMESTAMP(MILLIS, UTC);
/// <c>at_ns</c>: TIMESTAMP(NANOS, UTC); <c>at_legacy</c>: INT64 with the legacy converted type TIMESTAMP_MILLIS;
/// <c>at_int96</c>: INT96 (Impala/Spark).</item>
/// <item><c>price32</c> DECIMAL(9,2) as INT32, <c>price64</c> DECIMAL(18,4) as INT64, <c>price_fixed</c> DECIMAL(10,2)
/// as FIXED_LEN_BYTE_ARRAY, <c>price38</c> DECIMAL(38,18) as FIXED_LEN_BYTE_ARRAY, <c>price_bytes</c> DECIMAL(12,3) as
/// BYTE_ARRAY (Parquet.Net does not write that encoding: the column is written as binary and its schema element
/// given the DECIMAL logical type in the footer, as parquet-mr and Arrow write it).</item>
/// <item><c>x</c> (double) and <c>flag</c> (BOOLEAN) predict <c>label</c> (INT64 0/1).</item>
/// </list>
/// </summary>
public static class TypedParquet
{
    public static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public static readonly string[] Timestamps = ["at", "at_utc", "at_ns", "at_legacy", "at_int96"];

    public static readonly string[] Decimals = ["price32", "price64", "price_fixed", "price38", "price_bytes"];

    /// <summary>The list and map columns of <see cref="WriteNested"/>.</summary>
    public static readonly string[] Nested = ["tags", "attributes"];

    public sealed class NestedRow
    {
        public long Label { get; set; }
        public double X { get; set; }
        public List<int> Tags { get; set; } = [];
        public Dictionary<string, int> Attributes { get; set; } = [];
    }

    /// <summary>label, x (which predicts it), a list column (tags) and a map column (attributes), as Parquet.Net's
    /// serializer writes them.</summary>
    public static async Task WriteNested(string path, int rows)
    {
        var random = new Random(3);
        var items = Enumerable.Range(0, rows).Select(r =>
        {
            var x = random.NextDouble();
            return new NestedRow { Label = x + random.NextDouble() * 0.3 > 0.65 ? 1 : 0, X = x, Tags = [r % 5, r % 3], Attributes = new() { [$"k{r % 3}"] = r } };
        }).ToList();
        await ParquetSerializer.SerializeAsync(items, path);
    }

    /// <summary>The row's decimal value in every decimal column (cents, exact in each encoding).</summary>
    public static decimal Price(int row) => 10m + row * 0.25m - (row % 7) * 1.01m;

    public static async Task Write(string path, int rows)
    {
        var day = new DataField<DateOnly?>("day");
        var at = new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros, isNullable: true);
        var atUtc = new DateTimeDataField("at_utc", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
        var atNs = new DateTimeDataField("at_ns", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Nanos, isNullable: true);
        var atLegacy = new DateTimeDataField("at_legacy", DateTimeFormat.DateAndTime, isNullable: true);
        var atInt96 = new DateTimeDataField("at_int96", DateTimeFormat.Impala, isNullable: true);
        var price32 = new DecimalDataField("price32", 9, 2, isNullable: true);
        var price64 = new DecimalDataField("price64", 18, 4, isNullable: true);
        var priceFixed = new DecimalDataField("price_fixed", 10, 2, forceByteArrayEncoding: true, isNullable: true);
        var price38 = new DecimalDataField("price38", 38, 18, isNullable: true);
        var priceBytes = new DataField<byte[]>("price_bytes", nullable: true);
        var x = new DataField<double?>("x");
        var flag = new DataField<bool?>("flag");
        var label = new DataField<long?>("label");
        var schema = new ParquetSchema(day, at, atUtc, atNs, atLegacy, atInt96, price32, price64, priceFixed, price38, priceBytes, x, flag, label);

        var times = Enumerable.Range(0, rows).Select(r => (DateTime?)Start.AddHours(r)).ToArray();
        var utc = times.Select(t => (DateTime?)DateTime.SpecifyKind(t!.Value, DateTimeKind.Utc)).ToArray();
        var prices = Enumerable.Range(0, rows).Select(r => (decimal?)Price(r)).ToArray();
        var random = new Random(11);
        var xs = Enumerable.Range(0, rows).Select(_ => (double?)random.NextDouble()).ToArray();
        var flags = Enumerable.Range(0, rows).Select(r => (bool?)(r % 3 == 0)).ToArray();
        var labels = Enumerable.Range(0, rows).Select(r => (long?)(xs[r] + (flags[r]!.Value ? 0.3 : 0) + random.NextDouble() * 0.3 > 0.75 ? 1 : 0)).ToArray();

        using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<DateOnly>(day, Enumerable.Range(0, rows).Select(r => (DateOnly?)DateOnly.FromDateTime(Start).AddDays(r / 4)).ToArray().AsMemory());
            await group.WriteAsync<DateTime>(at, times.AsMemory());
            await group.WriteAsync<DateTime>(atUtc, utc.AsMemory());
            await group.WriteAsync<DateTime>(atNs, utc.AsMemory());
            await group.WriteAsync<DateTime>(atLegacy, utc.AsMemory());
            await group.WriteAsync<DateTime>(atInt96, utc.AsMemory());
            await group.WriteAsync<decimal>(price32, prices.AsMemory());
            await group.WriteAsync<decimal>(price64, prices.AsMemory());
            await group.WriteAsync<decimal>(priceFixed, prices.AsMemory());
            await group.WriteAsync<decimal>(price38, prices.AsMemory());
            await group.WriteAsync(priceBytes, prices.Select(p => (byte[]?)Unscaled(p!.Value, 3)).ToArray());
            await group.WriteAsync<double>(x, xs.AsMemory());
            await group.WriteAsync<bool>(flag, flags.AsMemory());
            await group.WriteAsync<long>(label, labels.AsMemory());
        }
        MakeDecimal(path, "price_bytes", precision: 12, scale: 3);
    }

    /// <summary>The decimal's unscaled value at <paramref name="scale"/>, big-endian two's complement, as short as it
    /// can be: how BYTE_ARRAY decimals are stored.</summary>
    static byte[] Unscaled(decimal value, int scale) =>
        new BigInteger(decimal.Round(value * (decimal)Math.Pow(10, scale))).ToByteArray(isUnsigned: false, isBigEndian: true);

    /// <summary>Rewrites the footer so that the binary column <paramref name="column"/> is a DECIMAL(precision, scale):
    /// Parquet.Net reads such a column but writes DECIMAL only as INT32, INT64 or FIXED_LEN_BYTE_ARRAY. Its Thrift
    /// writer is internal, so it is reached by reflection.</summary>
    static void MakeDecimal(string path, string column, int precision, int scale)
    {
        var bytes = File.ReadAllBytes(path);
        Parquet.Meta.FileMetaData meta;
        using (var stream = new MemoryStream(bytes))
        {
            var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            meta = reader.Metadata!;
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        var element = meta.Schema.Single(e => e.Name == column);
        element.ConvertedType = Parquet.Meta.ConvertedType.DECIMAL;
        element.Precision = precision;
        element.Scale = scale;
        element.LogicalType = new Parquet.Meta.LogicalType { DECIMAL = new Parquet.Meta.DecimalType { Precision = precision, Scale = scale } };
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var data = bytes.AsSpan(0, bytes.Length - 8 - footerLength);
        using var footer = new MemoryStream();
        var writerType = typeof(ParquetReader).Assembly.GetType("Parquet.Meta.Proto.ThriftCompactProtocolWriter", throwOnError: true)!;
        var protocol = Activator.CreateInstance(writerType, footer)!;
        typeof(Parquet.Meta.FileMetaData).GetMethod("Write", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(meta, [protocol]);
        using var output = File.Create(path);
        output.Write(data);
        output.Write(footer.ToArray());
        output.Write(BitConverter.GetBytes((int)footer.Length));
        output.Write("PAR1"u8);
    }
}
