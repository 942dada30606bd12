using System.Collections;
using RunTools.Config;
using RunTools.Views;

namespace RunTools.Shell.Stages;

/// <summary>The config keys a stage read while it ran, as dotted keys ("" for the whole config). They become part of
/// the stage's fingerprint when it ends, so a later attempt (or a derived run) with a different value at one of them
/// runs the stage again, and one with the same values may skip or reuse it.</summary>
public sealed class ConfigReads
{
    readonly object gate = new();
    readonly System.Collections.Generic.HashSet<string> keys = new(StringComparer.Ordinal);

    public void Add(string key)
    {
        lock (gate) keys.Add(key);
    }

    /// <summary>The keys read, without those covered by a shorter key also read (reading "model" covers "model.lr").</summary>
    public Seq<string> Keys
    {
        get
        {
            string[] all;
            lock (gate) all = keys.Order(StringComparer.Ordinal).ToArray();
            return toSeq(all.Where(k => !all.Any(other => other != k && Covers(other, k))).ToArray());
        }
    }

    static bool Covers(string shorter, string key) => shorter.Length == 0 || key.StartsWith(shorter + ".", StringComparison.Ordinal);

    /// <summary>The config as a stage sees it (<c>$Run.Config</c>): nested read-only maps that note each value read.</summary>
    public object? View(ConfigValue config) => Wrap(config, "");

    object? Wrap(ConfigValue value, string key) => value is ConfigMap map ? new TrackedMap(map, key, this) : ConfigPlain.ToPlain(value);

    static string Child(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";

    /// <summary>A map of the config that notes what is read: a value (a leaf or a list) by its key; a key that is not
    /// there too (its appearance later is a change); the whole map when it is enumerated, counted or printed. Reading a
    /// nested map itself notes nothing until something is read from it.</summary>
    sealed class TrackedMap(ConfigMap map, string prefix, ConfigReads reads) : IDictionary
    {
        object? Get(string key)
        {
            var found = map.Find(key);
            if (found.Case is ConfigMap nested) return new TrackedMap(nested, Child(prefix, key), reads);
            reads.Add(Child(prefix, key));
            return found.Case is ConfigValue value ? ConfigPlain.ToPlain(value) : null;
        }

        ValueMap<object?> Whole()
        {
            reads.Add(prefix);
            return (ValueMap<object?>)ConfigPlain.ToPlain(map)!;
        }

        public object? this[object key]
        {
            get => key is string k ? Get(k) : null;
            set => throw new NotSupportedException("The run's config is read-only.");
        }

        public bool Contains(object key)
        {
            if (key is not string k) return false;
            var has = map.Find(k).IsSome;
            if (!has) reads.Add(Child(prefix, k)); // looked for and absent: its appearance is a change
            return has;
        }

        public bool ContainsKey(string key) => Contains(key);

        public ICollection Keys => ((IDictionary)Whole()).Keys;
        public ICollection Values => ((IDictionary)Whole()).Values;
        public int Count => Whole().Count;
        public bool IsReadOnly => true;
        public bool IsFixedSize => true;
        public bool IsSynchronized => false;
        public object SyncRoot => this;
        public void Add(object key, object? value) => throw new NotSupportedException("The run's config is read-only.");
        public void Clear() => throw new NotSupportedException("The run's config is read-only.");
        public void Remove(object key) => throw new NotSupportedException("The run's config is read-only.");
        public void CopyTo(Array array, int index) => ((ICollection)Whole()).CopyTo(array, index);
        public IDictionaryEnumerator GetEnumerator() => ((IDictionary)Whole()).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => Whole().ToString();
    }
}
