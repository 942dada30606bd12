using System.Globalization;
using System.Text;

namespace RunTools.Domain;

/// <summary>
/// User input as error messages quote it: at most a short excerpt, so that a 10 MB key or value gives a message of a
/// line, not of 10 MB. Every error message that embeds something the user gave (a name, a key, a value, a path, a
/// third-party parser's message about it) goes through here. The error's target keeps the whole value.
/// </summary>
public static class Excerpt
{
    /// <summary>The most characters of a value a message quotes.</summary>
    public const int ValueChars = 80;

    /// <summary>The most characters of a path a message quotes (longer than any path a file system resolves on
    /// Windows without the long-path prefix, so real paths are quoted whole).</summary>
    public const int PathChars = 260;

    /// <summary>The most characters of a sentence (a parser's own message, a detail) a message quotes.</summary>
    public const int DetailChars = 400;

    /// <summary>The most names of a list a message quotes.</summary>
    public const int ListItems = 20;

    /// <summary>The text when it has at most <paramref name="max"/> characters; otherwise its start and how long it
    /// is: <c>aaaa… (10,485,760 characters)</c>. A surrogate pair is never cut in half.</summary>
    public static string Of(string? text, int max = ValueChars)
    {
        if (text is null) return "";
        if (text.Length <= max) return text;
        var cut = Math.Max(0, max);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "… (" + text.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters)";
    }

    /// <summary>A path, cut only when it is longer than <see cref="PathChars"/>.</summary>
    public static string Path(string? path) => Of(path, PathChars);

    /// <summary>A sentence that may quote input (a parser's message), cut at <see cref="DetailChars"/>.</summary>
    public static string Detail(string? detail) => Of(detail, DetailChars);

    /// <summary>Names quoted and joined (<c>'a', 'b', 'c'</c>; without quotes when <paramref name="quoted"/> is false),
    /// each cut to <see cref="ValueChars"/>, at most <see cref="ListItems"/> of them followed by <c>and 37 more</c>.</summary>
    public static string Names(IEnumerable<string> names, bool quoted = true)
    {
        var quote = quoted ? "'" : "";
        var sb = new StringBuilder();
        var count = 0;
        foreach (var name in names)
        {
            if (count < ListItems)
            {
                if (count > 0) sb.Append(", ");
                sb.Append(quote).Append(Of(name)).Append(quote);
            }
            count++;
        }
        if (count > ListItems) sb.Append(" and ").Append((count - ListItems).ToString("N0", CultureInfo.InvariantCulture)).Append(" more");
        return sb.ToString();
    }

    /// <summary>A count with thousands separators, as limits are written in messages (<c>1,048,576</c>).</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
