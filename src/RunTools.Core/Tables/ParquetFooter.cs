using RunTools.Domain;

namespace RunTools.Tables;

/// <summary>
/// The checks a Parquet file's footer passes before a Parquet reader is let near it. A reader allocates what the footer
/// declares before it reads it (a list of 2^31 schema elements, a string of 2 GB), so a few hostile bytes could ask for
/// gigabytes; here the declarations are measured against the bytes there are, without building anything.
/// </summary>
public static class ParquetFooter
{
    /// <summary>"PAR1": the file starts and ends with it.</summary>
    public static ReadOnlySpan<byte> Magic => "PAR1"u8;

    /// <summary>The bytes after the footer: its length (4, little-endian) and the magic.</summary>
    public const int TailBytes = 8;

    /// <summary>The deepest nesting of Thrift structures, lists and maps a footer may have (the Parquet metadata itself
    /// nests fewer than ten levels).</summary>
    public const int MaxNesting = 64;

    /// <summary>
    /// The footer's declared length against the file: it must fit between the leading magic and the tail, and be within
    /// <see cref="InputLimits.DataFooterBytes"/>.
    /// </summary>
    public static Fin<int> CheckLength(string path, long fileBytes, int footerBytes, InputLimits limits)
    {
        var room = fileBytes - Magic.Length - TailBytes;
        if (footerBytes <= 0 || footerBytes > room)
            return FinFail<int>(new DataFooterInvalid(path,
                $"it declares {Excerpt.Count(footerBytes)} bytes, but the file has {Excerpt.Count(Math.Max(room, 0))} bytes for it."));
        if (footerBytes > limits.DataFooterBytes)
            return FinFail<int>(new DataFooterTooLarge(path, footerBytes, limits.DataFooterBytes));
        return FinSucc(footerBytes);
    }

    /// <summary>
    /// The footer's Thrift compact encoding, walked without building it: every list, set and map declares no more items
    /// than the bytes left could hold (an item takes at least one byte), every binary no more bytes than are left, field
    /// types are known, and nesting stays within <see cref="MaxNesting"/>. The walk uses an explicit stack. On the way it
    /// reads the schema's shape (each element's number of children): the schema's tree must nest at most
    /// <see cref="MaxNesting"/> levels (readers build it recursively), and have at most
    /// <see cref="InputLimits.DataColumns"/> leaf columns.
    /// </summary>
    public static Fin<Unit> CheckThrift(string path, ReadOnlySpan<byte> footer, InputLimits limits)
    {
        var children = new List<int>();
        if (Walk(footer, children) is { } detail) return FinFail<Unit>(new DataFooterInvalid(path, detail));
        return CheckSchema(path, children, limits);
    }

    /// <summary>The schema's elements in order (depth first), as their numbers of children.</summary>
    private static Fin<Unit> CheckSchema(string path, List<int> children, InputLimits limits)
    {
        if (children.Count == 0) return FinFail<Unit>(new DataFooterInvalid(path, "it has no schema."));
        var open = new Stack<int>();
        open.Push(children[0]);
        long leaves = 0;
        for (var i = 1; i < children.Count; i++)
        {
            while (open.Count > 0 && open.Peek() == 0) open.Pop();
            if (open.Count == 0) break; // elements past the tree; readers ignore them
            open.Push(open.Pop() - 1);
            if (children[i] > 0)
            {
                open.Push(children[i]);
                if (open.Count > MaxNesting) return FinFail<Unit>(new DataFooterInvalid(path, $"its schema nests more than {MaxNesting} levels deep."));
            }
            else
            {
                leaves++;
            }
        }
        return leaves > limits.DataColumns ? FinFail<Unit>(new DataColumnsExceeded(path, leaves, limits.DataColumns)) : FinSucc(unit);
    }

    // Compact protocol types.
    const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    /// <summary>What a container is, as far as the walk cares: the footer, its schema list, one schema element, or
    /// anything else.</summary>
    private enum Role : byte { Other, Footer, SchemaList, SchemaElement }

    /// <summary>A container being read: a struct (fields until a stop; <see cref="Left"/> holds the last field id, from
    /// which the next is a delta), a list or set (items of one type), or a map (keys and values alternating:
    /// <see cref="Left"/> counts both).</summary>
    private record struct Frame(byte Kind, long Left, byte Type, byte ValueType, Role Role);

    /// <summary>Null when the encoding holds, otherwise what is wrong. Adds each schema element's number of children
    /// to <paramref name="children"/>.</summary>
    private static string? Walk(ReadOnlySpan<byte> bytes, List<int> children)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame(Struct, 0, 0, 0, Role.Footer));
        var at = 0;
        while (stack.Count > 0)
        {
            var frame = stack.Pop();
            byte type;
            var role = Role.Other;
            switch (frame.Kind)
            {
                case Struct:
                    if (at >= bytes.Length) return "it ends inside a structure.";
                    var header = bytes[at++];
                    type = (byte)(header & 0x0F);
                    if (type == Stop) continue;
                    long id;
                    if ((header & 0xF0) == 0)
                    {
                        if (!Varint(bytes, ref at, out var raw)) return "it ends inside a field id.";
                        id = ZigZag(raw);
                    }
                    else
                    {
                        id = frame.Left + (header >> 4);
                    }
                    stack.Push(frame with { Left = id }); // more fields may follow
                    if (frame.Role == Role.Footer && id == 2 && type == List) role = Role.SchemaList;
                    if (frame.Role == Role.SchemaElement && id == 5 && type == I32)
                    {
                        if (!Varint(bytes, ref at, out var count)) return "it ends inside an integer.";
                        var value = ZigZag(count);
                        if (value < 0 || value > int.MaxValue) return $"a schema element declares {value} children.";
                        children[^1] = (int)value;
                        continue;
                    }
                    break;
                case Map:
                    if (frame.Left == 0) continue;
                    type = frame.Left % 2 == 0 ? frame.Type : frame.ValueType;
                    stack.Push(frame with { Left = frame.Left - 1 });
                    break;
                default:
                    if (frame.Left == 0) continue;
                    type = frame.Type;
                    stack.Push(frame with { Left = frame.Left - 1 });
                    if (frame.Role == Role.SchemaList && type == Struct)
                    {
                        role = Role.SchemaElement;
                        children.Add(0);
                    }
                    break;
            }
            if (Value(bytes, ref at, type, frame.Kind == Struct, role, stack) is { } problem) return problem;
            if (stack.Count > MaxNesting) return $"its structures nest more than {MaxNesting} levels deep.";
        }
        return null;
    }

    private static long ZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);

    /// <summary>Reads one value of <paramref name="type"/> (pushing a frame for a container).</summary>
    /// <param name="role">The role of the container this value starts, if it is one.</param>
    private static string? Value(ReadOnlySpan<byte> bytes, ref int at, byte type, bool inStruct, Role role, Stack<Frame> stack)
    {
        switch (type & 0x0F)
        {
            case True or False:
                // In a struct the type carries the value; in a list each boolean is a byte.
                if (!inStruct && at++ >= bytes.Length) return "it ends inside a boolean.";
                return null;
            case Byte:
                return at++ < bytes.Length ? null : "it ends inside a byte.";
            case I16 or I32 or I64:
                return Varint(bytes, ref at, out _) ? null : "it ends inside an integer.";
            case Double:
                at += 8;
                return at <= bytes.Length ? null : "it ends inside a double.";
            case Binary:
                if (!Varint(bytes, ref at, out var length)) return "it ends inside a length.";
                if (length > (ulong)(bytes.Length - at))
                    return $"a string or binary value declares {Excerpt.Count((long)Math.Min(length, long.MaxValue))} bytes, but only {Excerpt.Count(bytes.Length - at)} are left.";
                at += (int)length;
                return null;
            case List or Set:
                if (at >= bytes.Length) return "it ends inside a list header.";
                var header = bytes[at++];
                ulong count = (ulong)(header >> 4);
                if (count == 15 && !Varint(bytes, ref at, out count)) return "it ends inside a list size.";
                if (count > (ulong)(bytes.Length - at))
                    return $"a list declares {Excerpt.Count((long)Math.Min(count, long.MaxValue))} items, but only {Excerpt.Count(bytes.Length - at)} bytes are left.";
                var element = (byte)(header & 0x0F);
                if (!Known(element) || element == Stop) return $"a list declares items of the unknown type {element}.";
                stack.Push(new Frame(List, (long)count, element, 0, role));
                return null;
            case Map:
                if (!Varint(bytes, ref at, out var pairs)) return "it ends inside a map size.";
                if (pairs == 0) return null;
                if (pairs > (ulong)(bytes.Length - at) / 2)
                    return $"a map declares {Excerpt.Count((long)Math.Min(pairs, long.MaxValue))} entries, but only {Excerpt.Count(bytes.Length - at)} bytes are left.";
                if (at >= bytes.Length) return "it ends inside a map header.";
                var types = bytes[at++];
                if (!Known((byte)(types >> 4)) || !Known((byte)(types & 0x0F)) || types >> 4 == Stop || (types & 0x0F) == Stop)
                    return "a map declares an unknown key or value type.";
                stack.Push(new Frame(Map, 2 * (long)pairs, (byte)(types >> 4), (byte)(types & 0x0F), Role.Other));
                return null;
            case Struct:
                stack.Push(new Frame(Struct, 0, 0, 0, role));
                return null;
            default:
                return $"a field has the unknown type {type & 0x0F}.";
        }
    }

    private static bool Known(byte type) => type <= Struct;

    private static bool Varint(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (at >= bytes.Length) return false;
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
}
