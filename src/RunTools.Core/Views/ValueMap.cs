using System.Collections;
using System.Globalization;

namespace RunTools.Views;

// Collections for the records cmdlets write. They are plain .NET (the core knows nothing of PowerShell) but shaped for
// the ways PowerShell reads a collection: a map implements the non-generic IDictionary, so $map.key, $map['key'],
// .Contains(), .ContainsKey(), ConvertTo-Json (an object) and Format-* all work; its ToString() is the YAML flow text
// a table cell or an Export-Csv column shows ({a: 1, b: [x, y]}) instead of a type name.

/// <summary>A read-only map with ordinal (case-sensitive) string keys in insertion order.</summary>
public sealed class ValueMap<TValue> : IReadOnlyDictionary<string, TValue>, IDictionary
{
    readonly OrderedDictionary<string, TValue> items;

    public ValueMap(IEnumerable<KeyValuePair<string, TValue>> entries)
        : this(entries, StringComparer.Ordinal) { }

    /// <summary>A map whose keys compare with <paramref name="comparer"/> (the index rows Get-Run -Filter sees are
    /// case-insensitive, as PowerShell's hashtables); of keys that compare equal, the last one's value is kept.</summary>
    public ValueMap(IEnumerable<KeyValuePair<string, TValue>> entries, StringComparer comparer)
    {
        items = new OrderedDictionary<string, TValue>(comparer);
        foreach (var (key, value) in entries) items[key] = value;
    }

    public ValueMap(IEnumerable<(string Key, TValue Value)> entries, StringComparer comparer)
        : this(entries.Select(e => new KeyValuePair<string, TValue>(e.Key, e.Value)), comparer) { }

    public ValueMap(IEnumerable<(string Key, TValue Value)> entries)
        : this(entries.Select(e => new KeyValuePair<string, TValue>(e.Key, e.Value))) { }

    public static readonly ValueMap<TValue> Empty = new(System.Array.Empty<KeyValuePair<string, TValue>>());

    public int Count => items.Count;

    /// <summary>The value at <paramref name="key"/>, or null when the map has no such key, as a Hashtable reads
    /// (<c>$run.Metrics['nope']</c> is <c>$null</c>, not an error).</summary>
    public object? this[string key] => items.TryGetValue(key, out var value) ? value : null;

    TValue IReadOnlyDictionary<string, TValue>.this[string key] => items[key];

    public IEnumerable<string> Keys => items.Keys;

    public IEnumerable<TValue> Values => items.Values;

    public bool ContainsKey(string key) => items.ContainsKey(key);

    /// <summary>Whether the map has <paramref name="key"/> (Hashtable's name for <see cref="ContainsKey"/>).</summary>
    public bool Contains(string key) => items.ContainsKey(key);

    public bool TryGetValue(string key, out TValue value) => items.TryGetValue(key, out value!);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => items.GetEnumerator();

    /// <summary>YAML flow text: <c>{a: 1, b: [x, y]}</c>.</summary>
    public override string ToString() => FlowText.Of(this);

    // Non-generic IDictionary, read-only: what PowerShell looks for. A missing key reads as null, as in a Hashtable.
    object? IDictionary.this[object key]
    {
        get => key is string k && items.TryGetValue(k, out var v) ? v : null;
        set => throw ReadOnly();
    }

    ICollection IDictionary.Keys => items.Keys.ToArray();
    ICollection IDictionary.Values => items.Values.ToArray();
    bool IDictionary.IsReadOnly => true;
    bool IDictionary.IsFixedSize => true;
    bool IDictionary.Contains(object key) => key is string k && items.ContainsKey(k);
    void IDictionary.Add(object key, object? value) => throw ReadOnly();
    void IDictionary.Clear() => throw ReadOnly();
    void IDictionary.Remove(object key) => throw ReadOnly();
    IDictionaryEnumerator IDictionary.GetEnumerator() => new Enumerator(items.GetEnumerator());
    IEnumerator IEnumerable.GetEnumerator() => new Enumerator(items.GetEnumerator());
    int ICollection.Count => items.Count;
    bool ICollection.IsSynchronized => false;
    object ICollection.SyncRoot => this;

    void ICollection.CopyTo(Array array, int index)
    {
        foreach (var (key, value) in items) array.SetValue(new DictionaryEntry(key, value), index++);
    }

    static NotSupportedException ReadOnly() => new("The map is read-only.");

    sealed class Enumerator(IEnumerator<KeyValuePair<string, TValue>> inner) : IDictionaryEnumerator
    {
        public DictionaryEntry Entry => new(inner.Current.Key, inner.Current.Value);
        public object Key => inner.Current.Key;
        public object? Value => inner.Current.Value;
        public object Current => Entry;
        public bool MoveNext() => inner.MoveNext();
        public void Reset() => inner.Reset();
    }
}

/// <summary>A read-only list whose ToString() is YAML flow text (<c>[a, b]</c>).</summary>
public sealed class ValueList(IReadOnlyList<object?> items) : IReadOnlyList<object?>, IList
{
    public int Count => items.Count;

    public object? this[int index] => items[index];

    public IEnumerator<object?> GetEnumerator() => items.GetEnumerator();

    public bool Contains(object? value) => items.Contains(value);

    public override string ToString() => FlowText.Of(this);

    object? IList.this[int index] { get => items[index]; set => throw ReadOnly(); }
    bool IList.IsReadOnly => true;
    bool IList.IsFixedSize => true;
    int IList.Add(object? value) => throw ReadOnly();
    void IList.Clear() => throw ReadOnly();
    int IList.IndexOf(object? value) => items.ToList().IndexOf(value);
    void IList.Insert(int index, object? value) => throw ReadOnly();
    void IList.Remove(object? value) => throw ReadOnly();
    void IList.RemoveAt(int index) => throw ReadOnly();
    bool ICollection.IsSynchronized => false;
    object ICollection.SyncRoot => this;
    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    void ICollection.CopyTo(Array array, int index)
    {
        foreach (var item in items) array.SetValue(item, index++);
    }

    static NotSupportedException ReadOnly() => new("The list is read-only.");
}

/// <summary>Values as YAML flow text, the way a table cell or a CSV column shows them: <c>null</c>, <c>true</c>,
/// numbers in invariant culture, strings bare unless YAML would read them otherwise, <c>[a, b]</c>, <c>{k: v}</c>.</summary>
public static class FlowText
{
    public static string Of(object? value) => value switch
    {
        null => "null",
        string s => Scalar(s),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{Scalar(k.ToString() ?? "")}: {Of(d[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Of)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>A string bare when YAML reads it back as the same string, single-quoted otherwise.</summary>
    static string Scalar(string s) =>
        s.Length == 0 || s != s.Trim() || s.IndexOfAny([',', '[', ']', '{', '}', ':', '#', '\'', '"', '\n', '&', '*', '!', '|', '>', '%', '@', '`']) >= 0
        || s is "null" or "~" or "true" or "false" or "yes" or "no" || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + s.Replace("'", "''") + "'"
            : s;
}
