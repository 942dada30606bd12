using System.Globalization;
using System.Text;

namespace RunTools.Tables;

/// <summary>What <see cref="CsvText.ReadRecord"/> found at the start of a buffer.</summary>
public abstract record CsvStep;

/// <summary>A complete record.</summary>
/// <param name="Fields">The fields in order; null is an empty unquoted field, "" an empty quoted one (<c>""</c>).</param>
/// <param name="Consumed">Characters used, including blank lines before the record and its line break.</param>
/// <param name="BlankLines">Blank lines skipped before the record (its first line is that many lines further on).</param>
/// <param name="Newlines">Line feeds consumed: blank lines, line breaks inside quoted fields and the record's own.</param>
public sealed record CsvRecord(Seq<string?> Fields, int Consumed, int BlankLines, int Newlines) : CsvStep;

/// <summary>The text ends inside a record, or where it cannot yet tell (after a closing quote): pass more text, or
/// pass <c>final</c> when there is none.</summary>
public sealed record CsvNeedMore : CsvStep
{
    public static readonly CsvNeedMore Instance = new();
}

/// <summary>Only blank lines (or nothing) are left.</summary>
public sealed record CsvEnd(int Consumed, int Newlines) : CsvStep;

/// <summary>The text ended inside a quoted field.</summary>
public sealed record CsvUnclosedQuote(int BlankLines) : CsvStep;

/// <summary>One parsed record and the line (from 1) where it starts.</summary>
public sealed record CsvRow(long Line, Seq<string?> Fields);

/// <summary>
/// CSV records as RFC 4180 has them, with the leniency of common readers:
/// <list type="bullet">
/// <item>a field in double quotes may hold the delimiter, line breaks and doubled quotes (<c>""</c> for <c>"</c>);</item>
/// <item>records end at LF or CRLF; other characters of an unquoted field are kept as they are (no trimming), and a
/// quote inside an unquoted field, or text after a closing quote, is kept literally;</item>
/// <item>spaces before an opening quote or after a closing one are ignored (<c>a, "b, c" ,d</c> is three fields);</item>
/// <item>blank lines (nothing but spaces and CR) are skipped, as FileInspector does when it counts rows;</item>
/// <item>an empty unquoted field reads as null and an empty quoted field as "", so text columns keep missing and
/// empty apart.</item>
/// </list>
/// The reader is a pure step over a buffer (<see cref="ReadRecord"/>) so that the shell can stream a file of any
/// size through it; <see cref="Parse"/> runs it over a whole string.
/// </summary>
public static class CsvText
{
    /// <summary>Reads the first record of <paramref name="text"/>.</summary>
    /// <param name="final">True when no text follows <paramref name="text"/>: then the end of the text ends the record.</param>
    public static CsvStep ReadRecord(ReadOnlySpan<char> text, char delimiter, bool final)
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException("A CSV delimiter cannot be a quote or a line break.", nameof(delimiter));
        var pos = 0;
        var blank = 0;
        var newlines = 0;

        // Skip blank lines.
        while (true)
        {
            var content = text[pos..].IndexOfAnyExcept(' ', '\r');
            if (content < 0) return final ? new CsvEnd(text.Length, newlines) : CsvNeedMore.Instance;
            if (text[pos + content] != '\n') break;
            blank++;
            newlines++;
            pos += content + 1;
        }

        var fields = new List<string?>();
        StringBuilder? quoted = null;
        while (true)
        {
            string? field;
            int end; // index of the delimiter or line feed after the field, or text.Length
            var opening = OpeningQuote(text, pos);
            if (opening >= 0)
            {
                quoted = quoted?.Clear() ?? new StringBuilder();
                pos = opening + 1;
                while (true)
                {
                    var close = text[pos..].IndexOf('"');
                    if (close < 0) return final ? new CsvUnclosedQuote(blank) : CsvNeedMore.Instance;
                    var part = text.Slice(pos, close);
                    quoted.Append(part);
                    newlines += part.Count('\n');
                    pos += close + 1;
                    if (pos == text.Length && !final) return CsvNeedMore.Instance; // "" split across buffers?
                    if (pos < text.Length && text[pos] == '"')
                    {
                        quoted.Append('"');
                        pos++;
                        continue;
                    }
                    break;
                }
                end = FieldEnd(text, pos, delimiter);
                if (end < 0) return CsvNeedMore.Instance;
                var tail = Unterminated(text[pos..end], text, end);
                if (tail.IndexOfAnyExcept(' ') >= 0) quoted.Append(tail);
                field = quoted.ToString();
            }
            else
            {
                end = FieldEnd(text, pos, delimiter);
                if (end < 0) return CsvNeedMore.Instance;
                var raw = Unterminated(text[pos..end], text, end);
                field = raw.Length == 0 ? null : raw.ToString();
            }
            fields.Add(field);

            if (end < text.Length && text[end] == delimiter)
            {
                pos = end + 1;
                continue;
            }
            if (end < text.Length) newlines++; // the record's line feed
            return new CsvRecord(toSeq(fields), Math.Min(end + 1, text.Length), blank, newlines);
        }

        // The index of the delimiter or line feed that ends the field starting at start; text.Length at the end of
        // final text; -1 when more text is needed to tell.
        int FieldEnd(ReadOnlySpan<char> all, int start, char d)
        {
            var hit = all[start..].IndexOfAny(d, '\n');
            return hit >= 0 ? start + hit : final ? all.Length : -1;
        }

        // The index of the quote that opens a quoted field at start (after spaces, which are then ignored), or -1.
        static int OpeningQuote(ReadOnlySpan<char> all, int start)
        {
            var first = all[start..].IndexOfAnyExcept(' ');
            return first >= 0 && all[start + first] == '"' ? start + first : -1;
        }

        // A field that ends the record drops the CR of its CRLF (or a CR at the very end of the text).
        static ReadOnlySpan<char> Unterminated(ReadOnlySpan<char> field, ReadOnlySpan<char> all, int end) =>
            (end == all.Length || all[end] == '\n') && field.EndsWith('\r') ? field[..^1] : field;
    }

    /// <summary>Every record of a whole text, each with the line where it starts.</summary>
    /// <param name="source">Names the text in errors (a file path).</param>
    public static Fin<Seq<CsvRow>> Parse(string text, char delimiter, string source)
    {
        var rows = new List<CsvRow>();
        var offset = 0;
        long line = 1;
        while (true)
        {
            switch (ReadRecord(text.AsSpan(offset), delimiter, final: true))
            {
                case CsvRecord r:
                    rows.Add(new CsvRow(line + r.BlankLines, r.Fields));
                    offset += r.Consumed;
                    line += r.Newlines;
                    break;
                case CsvUnclosedQuote u:
                    return FinFail<Seq<CsvRow>>(new CsvRecordInvalid(source, line + u.BlankLines, "a quoted field is not closed"));
                default:
                    return toSeq(rows);
            }
        }
    }

    /// <summary>The fields of one record (the first, if the text holds more); an empty Seq for blank text.</summary>
    public static Seq<string?> SplitRecord(string record, char delimiter) =>
        ReadRecord(record, delimiter, final: true) switch
        {
            CsvRecord r => r.Fields,
            _ => Seq<string?>(),
        };

    // ---- writing ---------------------------------------------------------------------------------------------

    /// <summary>Whether a value must be quoted to read back as itself: it is empty (unquoted empty is null), holds
    /// the delimiter, a quote or a line break, or starts or ends with white space (which other readers trim).</summary>
    public static bool NeedsQuotes(string value, char delimiter) =>
        value.Length == 0
        || value.AsSpan().IndexOfAny([delimiter, '"', '\r', '\n']) >= 0
        || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);

    /// <summary>A field as written: null as nothing, anything else quoted when it needs to be.</summary>
    public static string FormatField(string? value, char delimiter) =>
        value is null ? ""
        : NeedsQuotes(value, delimiter) ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
        : value;

    /// <summary>
    /// One record's text, without its line break. <see cref="ReadRecord"/> reads it back field for field, with one
    /// exception: a record of a single null field would be a blank line, which readers skip, so it is written as
    /// <c>""</c> and reads back as "" (for a number, integer or boolean column that is missing all the same).
    /// </summary>
    public static string FormatRecord(IEnumerable<string?> fields, char delimiter)
    {
        var text = string.Join(delimiter, fields.Select(f => FormatField(f, delimiter)));
        return text.Length == 0 ? "\"\"" : text;
    }

    /// <summary>A number as CSV text: the shortest text that parses back to the same bits (so -0 stays -0), with
    /// ".0" added to whole numbers so that the column reads back as numbers, not integers. NaN (missing) is null;
    /// infinities are "Infinity" and "-Infinity".</summary>
    public static string? FormatNumber(double value)
    {
        if (double.IsNaN(value)) return null;
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text;
    }

    /// <summary>The text of one cell, before quoting (null when missing).</summary>
    public static string? Cell(Column column, int row) => column switch
    {
        NumberColumn n => FormatNumber(n.Values[row]),
        IntegerColumn i => i.Values[row]?.ToString(CultureInfo.InvariantCulture),
        BooleanColumn b => b.Values[row] switch { true => "true", false => "false", null => null },
        TextColumn t => t.Values[row],
        DateColumn d => d.Values[row] is { } date ? DateColumn.Format(date) : null,
        TimestampColumn s => s.Values[row] is { } at ? TimestampColumn.Format(at, s.Zone) : null,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.GetType().Name, "a column of this kind has no CSV text"),
    };

    public static string Header(Table table, char delimiter) => FormatRecord(table.Columns.Map(c => (string?)c.Name), delimiter);

    public static string Row(Table table, int row, char delimiter) => FormatRecord(table.Columns.Map(c => Cell(c, row)), delimiter);
}
