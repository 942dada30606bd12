using System.Buffers;
using System.Text;

namespace RunTools.Tables;

/// <summary>How a field's bytes hold its text.</summary>
public enum CsvFieldForm : byte
{
    /// <summary>Unquoted: the bytes are the text; no bytes at all is a missing value (null).</summary>
    Plain,

    /// <summary>Quoted, with no doubled quote inside and only spaces after the closing quote: the bytes between the
    /// quotes are the text (none is "").</summary>
    Quoted,

    /// <summary>Any other quoted field: the bytes run from after the opening quote to the end of the field, and
    /// <see cref="CsvUtf8.Text"/> undoes the quoting.</summary>
    Escaped,
}

/// <summary>Where one field of a record lies in a UTF-8 buffer: bytes [Start, End) read as <see cref="Form"/> says.</summary>
public readonly record struct CsvFieldSpan(int Start, int End, CsvFieldForm Form);

/// <summary>What <see cref="CsvUtf8.ReadRecord"/> found: the cases of <see cref="CsvStep"/>.</summary>
public enum CsvUtf8Step : byte { Record, NeedMore, End, UnclosedQuote }

/// <summary>One step of <see cref="CsvUtf8.ReadRecord"/>.</summary>
/// <param name="Start">Where the record begins, after the blank lines it skipped (for Record and UnclosedQuote):
/// its line is one more than the line feeds before it.</param>
/// <param name="Fields">How many fields the record has (also those that did not fit in the span it was given).</param>
/// <param name="Consumed">Bytes used, including skipped blank lines and the record's line break (Record and End).</param>
public readonly record struct CsvUtf8Record(CsvUtf8Step Step, int Start, int Fields, int Consumed);

/// <summary>
/// <see cref="CsvText"/>'s record rules and <see cref="CsvInference"/>'s cell rules over UTF-8 bytes, for reading a
/// file without decoding it: a record is found as field spans (no strings), a cell is classified and parsed from its
/// bytes, and only text cells become strings. Every function here gives exactly what its string counterpart gives
/// for the decoded text (property tests hold them to it); the common shapes (ASCII numbers, true/false, plain and
/// simply quoted fields) take a fast path and everything else is decoded and handed to the string rules. The bytes
/// must be valid UTF-8 (the caller checks once, e.g. with <see cref="System.Text.Unicode.Utf8.IsValid"/>).
/// </summary>
public static class CsvUtf8
{
    /// <summary>Reads the first record of <paramref name="text"/> as <see cref="CsvText.ReadRecord"/> reads the same
    /// text decoded, writing its first <c>fields.Length</c> fields into <paramref name="fields"/>.</summary>
    /// <param name="delimiter">An ASCII character other than a quote, CR or LF.</param>
    /// <param name="final">True when no text follows: then the end of the text ends the record.</param>
    public static CsvUtf8Record ReadRecord(ReadOnlySpan<byte> text, byte delimiter, bool final, Span<CsvFieldSpan> fields)
    {
        if (delimiter is (byte)'"' or (byte)'\r' or (byte)'\n' or >= 0x80)
            throw new ArgumentException("A CSV delimiter must be ASCII, and not a quote or a line break.", nameof(delimiter));
        var needMore = new CsvUtf8Record(CsvUtf8Step.NeedMore, 0, 0, 0);
        var pos = 0;

        // Skip blank lines (nothing but spaces and CR).
        while (true)
        {
            var content = text[pos..].IndexOfAnyExcept((byte)' ', (byte)'\r');
            if (content < 0) return final ? new CsvUtf8Record(CsvUtf8Step.End, text.Length, 0, text.Length) : needMore;
            if (text[pos + content] != '\n') break;
            pos += content + 1;
        }

        var start = pos;
        var count = 0;
        while (true)
        {
            CsvFieldSpan field;
            int end; // the delimiter or line feed after the field, or text.Length
            var opening = pos;
            while (opening < text.Length && text[opening] == ' ') opening++;
            if (opening < text.Length && text[opening] == '"')
            {
                var contentStart = opening + 1;
                var at = contentStart;
                var doubled = false;
                while (true)
                {
                    var close = text[at..].IndexOf((byte)'"');
                    if (close < 0) return final ? new CsvUtf8Record(CsvUtf8Step.UnclosedQuote, start, count, 0) : needMore;
                    at += close + 1;
                    if (at == text.Length && !final) return needMore; // "" split across buffers?
                    if (at < text.Length && text[at] == '"')
                    {
                        doubled = true;
                        at++;
                        continue;
                    }
                    break;
                }
                end = FieldEnd(text, at, delimiter, final);
                if (end < 0) return needMore;
                var tailEnd = Unterminated(text, at, end);
                field = !doubled && text[at..tailEnd].IndexOfAnyExcept((byte)' ') < 0
                    ? new CsvFieldSpan(contentStart, at - 1, CsvFieldForm.Quoted)
                    : new CsvFieldSpan(contentStart, tailEnd, CsvFieldForm.Escaped);
            }
            else
            {
                end = FieldEnd(text, pos, delimiter, final);
                if (end < 0) return needMore;
                field = new CsvFieldSpan(pos, Unterminated(text, pos, end), CsvFieldForm.Plain);
            }
            if (count < fields.Length) fields[count] = field;
            count++;

            if (end < text.Length && text[end] == delimiter)
            {
                pos = end + 1;
                continue;
            }
            return new CsvUtf8Record(CsvUtf8Step.Record, start, count, Math.Min(end + 1, text.Length));
        }

        static int FieldEnd(ReadOnlySpan<byte> all, int from, byte d, bool final)
        {
            var hit = all[from..].IndexOfAny(d, (byte)'\n');
            return hit >= 0 ? from + hit : final ? all.Length : -1;
        }

        // A field that ends the record drops the CR of its CRLF (or a CR at the very end of the text).
        static int Unterminated(ReadOnlySpan<byte> all, int from, int end) =>
            end > from && all[end - 1] == '\r' && (end == all.Length || all[end] == '\n') ? end - 1 : end;
    }

    /// <summary>The field's text as <see cref="CsvText"/> reads it: null for an empty unquoted field.</summary>
    public static string? Text(ReadOnlySpan<byte> text, CsvFieldSpan field)
    {
        var bytes = text[field.Start..field.End];
        switch (field.Form)
        {
            case CsvFieldForm.Plain:
                return bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
            case CsvFieldForm.Quoted:
                return Encoding.UTF8.GetString(bytes);
            default:
                var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
                try
                {
                    var length = 0;
                    var at = 0;
                    while (true)
                    {
                        var close = bytes[at..].IndexOf((byte)'"');
                        if (close < 0) throw new ArgumentException("An escaped field has no closing quote.", nameof(field));
                        bytes.Slice(at, close).CopyTo(buffer.AsSpan(length));
                        length += close;
                        at += close + 1;
                        if (at < bytes.Length && bytes[at] == '"')
                        {
                            buffer[length++] = (byte)'"';
                            at++;
                            continue;
                        }
                        break;
                    }
                    var tail = bytes[at..];
                    if (tail.IndexOfAnyExcept((byte)' ') >= 0)
                    {
                        tail.CopyTo(buffer.AsSpan(length));
                        length += tail.Length;
                    }
                    return Encoding.UTF8.GetString(buffer, 0, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
        }
    }

    // ---- cells: CsvInference's rules ------------------------------------------------------------------------

    /// <summary><see cref="KindEvidence.Observe(string)"/> for the field's text.</summary>
    public static KindEvidence Observe(KindEvidence evidence, ReadOnlySpan<byte> text, CsvFieldSpan field) =>
        field.Form == CsvFieldForm.Escaped ? evidence.Observe(Text(text, field)) : Observe(evidence, text, field.Start, field.End);

    /// <summary><see cref="KindEvidence.Observe(string)"/> for a cell given as its UTF-8 bytes (an empty span is an empty cell).</summary>
    public static KindEvidence Observe(KindEvidence evidence, ReadOnlySpan<byte> cell) => Observe(evidence, cell, 0, cell.Length);

    static KindEvidence Observe(KindEvidence evidence, ReadOnlySpan<byte> text, int start, int end) =>
        evidence.IsText ? evidence : evidence.Observe(Classify(text, start, end));

    /// <summary><see cref="CsvInference.IsEmpty"/>: no bytes, or only white space.</summary>
    public static bool IsEmpty(ReadOnlySpan<byte> cell)
    {
        foreach (var b in cell)
        {
            if (b >= 0x80) return CsvInference.IsEmpty(Encoding.UTF8.GetString(cell)); // Unicode white space
            if (!Utf8Decimal.IsNumberWhite(b)) return false; // U+0009-U+000D and U+0020 are ASCII's white space
        }
        return true;
    }

    /// <summary><see cref="CsvInference.TryNumber"/> for a cell given as its UTF-8 bytes.</summary>
    public static bool TryNumber(ReadOnlySpan<byte> cell, out double value) =>
        Utf8Decimal.TryScan(cell, out var number) && number.TryToDouble(out value)
        || CsvInference.TryNumber(Encoding.UTF8.GetString(cell), out value);

    /// <summary><see cref="CsvInference.TryInteger"/> for a cell given as its UTF-8 bytes.</summary>
    public static bool TryInteger(ReadOnlySpan<byte> cell, out long value) =>
        Utf8Decimal.TryScan(cell, out var number) && number.TryToLong(out value)
        || CsvInference.TryInteger(Encoding.UTF8.GetString(cell), out value);

    /// <summary><see cref="CsvInference.TryBoolean(string, out bool)"/> for a cell given as its UTF-8 bytes.</summary>
    public static bool TryBoolean(ReadOnlySpan<byte> cell, out bool value)
    {
        if (AsciiTrueFalse(cell) is { } known)
        {
            value = known;
            return true;
        }
        return CsvInference.TryBoolean(Encoding.UTF8.GetString(cell), out value);
    }

    /// <summary>The field's cell as a number (<see cref="TryNumber(ReadOnlySpan{byte}, out double)"/>); NaN when
    /// it is empty. False when it is neither.</summary>
    public static bool TryNumberCell(ReadOnlySpan<byte> text, CsvFieldSpan field, out double value)
    {
        if (field.Form == CsvFieldForm.Escaped)
        {
            var cell = Text(text, field);
            if (CsvInference.IsEmpty(cell))
            {
                value = double.NaN;
                return true;
            }
            return CsvInference.TryNumber(cell, out value);
        }
        if (Utf8Decimal.TryScan(text, field.Start, field.End, out var number) && number.TryToDouble(out value)) return true;
        var bytes = text[field.Start..field.End];
        if (IsEmpty(bytes))
        {
            value = double.NaN;
            return true;
        }
        return CsvInference.TryNumber(Encoding.UTF8.GetString(bytes), out value);
    }

    /// <summary>The field's cell as an integer; null when it is empty. False when it is neither.</summary>
    public static bool TryIntegerCell(ReadOnlySpan<byte> text, CsvFieldSpan field, out long? value)
    {
        value = null;
        long parsed;
        if (field.Form == CsvFieldForm.Escaped)
        {
            var cell = Text(text, field);
            if (CsvInference.IsEmpty(cell)) return true;
            if (!CsvInference.TryInteger(cell, out parsed)) return false;
            value = parsed;
            return true;
        }
        if (Utf8Decimal.TryScan(text, field.Start, field.End, out var number) && number.TryToLong(out parsed))
        {
            value = parsed;
            return true;
        }
        var bytes = text[field.Start..field.End];
        if (IsEmpty(bytes)) return true;
        if (!CsvInference.TryInteger(Encoding.UTF8.GetString(bytes), out parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>The field's cell as a boolean; null when it is empty. False when it is neither.</summary>
    public static bool TryBooleanCell(ReadOnlySpan<byte> text, CsvFieldSpan field, out bool? value)
    {
        value = null;
        bool parsed;
        if (field.Form == CsvFieldForm.Escaped)
        {
            var cell = Text(text, field);
            if (CsvInference.IsEmpty(cell)) return true;
            if (!CsvInference.TryBoolean(cell, out parsed)) return false;
            value = parsed;
            return true;
        }
        var bytes = text[field.Start..field.End];
        if (IsEmpty(bytes)) return true;
        if (!TryBoolean(bytes, out parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>Which kinds a non-Escaped cell's text belongs to. Integers are numbers too (NumberStyles.Float
    /// includes everything NumberStyles.Integer allows), and nothing is both a number and a boolean.</summary>
    static CellKinds Classify(ReadOnlySpan<byte> text, int start, int end)
    {
        switch (Utf8Decimal.ShapeOf(text, start, end))
        {
            case NumberShape.Integer: return CellKinds.Integer | CellKinds.Number;
            case NumberShape.Number: return CellKinds.Number;
        }
        var cell = text[start..end];
        if (IsEmpty(cell)) return CellKinds.Empty;
        if (AsciiTrueFalse(cell) is not null) return CellKinds.Boolean;
        if (cell.Length is >= 10 and <= 64 && System.Text.Ascii.IsValid(cell) && (uint)(cell[0] - '0') <= 9)
        {
            // An ISO-8601 date or date-time is ASCII and starts with a digit (after no white space: Utf8Decimal has
            // already taken any cell that is all digits and separators).
            Span<char> chars = stackalloc char[cell.Length];
            System.Text.Ascii.ToUtf16(cell, chars, out _);
            if (CsvInference.ClassifyInstant(chars) is var instant and not CellKinds.Text) return instant;
        }
        var decoded = Encoding.UTF8.GetString(cell); // NaN, Infinity, 20+ digits, Unicode: the framework decides
        return CsvInference.Classify(decoded);
    }

    /// <summary>true or false in any ASCII case with ASCII white space around it; null for anything else (which may
    /// still be a boolean: Unicode white space around it is the string rule's to judge).</summary>
    static bool? AsciiTrueFalse(ReadOnlySpan<byte> cell)
    {
        int i = 0, n = cell.Length;
        while (i < n && Utf8Decimal.IsNumberWhite(cell[i])) i++;
        while (n > i && Utf8Decimal.IsNumberWhite(cell[n - 1])) n--;
        var word = cell[i..n];
        // Setting bit 0x20 lower-cases ASCII letters and maps no other byte onto one of these letters.
        if (word.Length == 4 && (word[0] | 0x20) == 't' && (word[1] | 0x20) == 'r' && (word[2] | 0x20) == 'u' && (word[3] | 0x20) == 'e')
            return true;
        if (word.Length == 5 && (word[0] | 0x20) == 'f' && (word[1] | 0x20) == 'a' && (word[2] | 0x20) == 'l' && (word[3] | 0x20) == 's' && (word[4] | 0x20) == 'e')
            return false;
        return null;
    }
}
