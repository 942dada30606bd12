using System.Buffers.Binary;

namespace RunTools.Shell.Bundles;

/// <summary>The CRC-32 a zip entry carries (ISO-HDLC: reflected polynomial 0xEDB88320), computed eight bytes at a
/// time (slicing-by-8).</summary>
internal struct Crc32
{
    static readonly uint[][] Tables = BuildTables();

    uint state;

    public Crc32() => state = 0xFFFFFFFF;

    public readonly uint Value => ~state;

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = state;
        var t = Tables;
        while (data.Length >= 8)
        {
            var one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7][one & 0xFF] ^ t[6][(one >> 8) & 0xFF] ^ t[5][(one >> 16) & 0xFF] ^ t[4][one >> 24]
                  ^ t[3][two & 0xFF] ^ t[2][(two >> 8) & 0xFF] ^ t[1][(two >> 16) & 0xFF] ^ t[0][two >> 24];
            data = data[8..];
        }
        foreach (var b in data) crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        state = crc;
    }

    public static uint Of(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(data);
        return crc.Value;
    }

    static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (var i = 0; i < 8; i++) tables[i] = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            tables[0][n] = c;
        }
        for (var n = 0; n < 256; n++)
            for (var i = 1; i < 8; i++)
                tables[i][n] = tables[0][tables[i - 1][n] & 0xFF] ^ (tables[i - 1][n] >> 8);
        return tables;
    }
}
