using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using RunTools.Domain;
using RunTools.Tables;

namespace RunTools.Training;

/// <summary>A feature's raw values for every row of the dataset.</summary>
public abstract record FeatureSource(string Name)
{
    public abstract int Count { get; }
}

/// <summary>A numeric feature; NaN is missing.</summary>
public sealed record NumericSource(string Name, ImmutableArray<double> Values) : FeatureSource(Name)
{
    public override int Count => Values.Length;
}

/// <summary>A categorical feature (text); null or empty is missing.</summary>
public sealed record CategoricalSource(string Name, ImmutableArray<string?> Values) : FeatureSource(Name)
{
    public override int Count => Values.Length;
}

public enum FeatureKind { Numeric, Categorical }

/// <summary>How one feature becomes model inputs, learned from a fold's training rows.</summary>
public abstract record FeatureEncoding(string Name)
{
    public abstract FeatureKind Kind { get; }
    public abstract int Width { get; }
    public abstract Seq<string> OutputNames { get; }
}

/// <summary>Numeric: the value, with missing values replaced by the training rows' mean; plus a 0/1
/// <c>name__missing</c> indicator when the training rows had any missing value.</summary>
public sealed record NumericEncoding(string Name, double Fill, bool Indicator) : FeatureEncoding(Name)
{
    public override FeatureKind Kind => FeatureKind.Numeric;
    public override int Width => Indicator ? 2 : 1;
    public override Seq<string> OutputNames => Indicator ? Seq(Name, Name + "__missing") : Seq1(Name);
}

/// <summary>Categorical: one 0/1 input per category seen in the training rows (ordinal order); a missing value or
/// a category the training rows never had encodes as all zeros.</summary>
public sealed record OneHotEncoding(string Name, Seq<string> Categories) : FeatureEncoding(Name)
{
    public override FeatureKind Kind => FeatureKind.Categorical;
    public override int Width => Categories.Count;
    public override Seq<string> OutputNames => Categories.Map(c => $"{Name}={c}");
}

/// <summary>The fitted encoding of all features: stored beside every model so that scoring new data replays
/// exactly what training did.</summary>
public sealed record EncoderState(Seq<FeatureEncoding> Features)
{
    public int Width => Features.Sum(f => f.Width);

    public Seq<string> OutputNames => Features.Bind(f => f.OutputNames);
}

public static class FeatureEncoder
{
    /// <summary>Learns the encoding from the training rows only (never from validation or test rows).</summary>
    public static EncoderState Fit(Seq<FeatureSource> features, ReadOnlySpan<int> trainRows)
    {
        var encodings = new List<FeatureEncoding>(features.Count);
        foreach (var feature in features)
        {
            switch (feature)
            {
                case NumericSource n:
                {
                    double sum = 0;
                    var present = 0;
                    foreach (var r in trainRows)
                    {
                        var v = n.Values[r];
                        if (double.IsNaN(v)) continue;
                        sum += v;
                        present++;
                    }
                    encodings.Add(new NumericEncoding(n.Name, present == 0 ? 0 : sum / present, present < trainRows.Length));
                    break;
                }
                case CategoricalSource c:
                {
                    var seen = new SortedSet<string>(StringComparer.Ordinal);
                    foreach (var r in trainRows)
                        if (c.Values[r] is { Length: > 0 } value) seen.Add(value);
                    encodings.Add(new OneHotEncoding(c.Name, toSeq(seen)));
                    break;
                }
            }
        }
        return new EncoderState(toSeq(encodings));
    }

    /// <summary>Encodes rows into a row-major matrix of <c>rows.Length × state.Width</c> floats.</summary>
    /// <param name="features">The same features, in the same order, as the state was fitted on.</param>
    public static float[] Transform(EncoderState state, Seq<FeatureSource> features, ReadOnlySpan<int> rows)
    {
        var width = state.Width;
        var matrix = new float[rows.Length * width];
        var offset = 0;
        foreach (var (encoding, source) in state.Features.Zip(features))
        {
            switch (encoding, source)
            {
                case (NumericEncoding e, NumericSource n):
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var v = n.Values[rows[i]];
                        var missing = double.IsNaN(v);
                        matrix[i * width + offset] = (float)(missing ? e.Fill : v);
                        if (e.Indicator) matrix[i * width + offset + 1] = missing ? 1f : 0f;
                    }
                    break;
                case (OneHotEncoding e, CategoricalSource c):
                    var index = e.Categories.Select((category, position) => (category, position)).ToDictionary(x => x.category, x => x.position, StringComparer.Ordinal);
                    for (var i = 0; i < rows.Length; i++)
                        if (c.Values[rows[i]] is { Length: > 0 } value && index.TryGetValue(value, out var position))
                            matrix[i * width + offset + position] = 1f;
                    break;
                default:
                    throw new ArgumentException($"Feature '{source.Name}' is {source.GetType().Name} but was fitted as {encoding.Kind}.", nameof(features));
            }
            offset += encoding.Width;
        }
        return matrix;
    }
}

/// <summary>The type of a classification label column, which the <c>label</c> and <c>prediction</c> columns of every
/// table a training or an inference writes keep: an integer label stays int64, a number stays double, a boolean stays
/// boolean, anything else is text. Classes are compared as text whatever the kind (<see cref="Labels.Texts"/>); the
/// kind only says how a class is written out (<see cref="LabelValues"/>).</summary>
public enum LabelKind { Text, Integer, Number, Boolean }

/// <summary>How label values map to what a model predicts.</summary>
/// <param name="Classes">Binary: [negative, positive]. Multiclass: every class, in order (index = class id).
/// Regression: empty.</param>
/// <param name="Kind">The label column's type (classification): how classes are written in output tables. A model
/// bundle that does not record it (written before it was recorded) reads as <see cref="LabelKind.Text"/>.</param>
public sealed record LabelEncoding(TrainingTask Task, Seq<string> Classes, LabelKind Kind = LabelKind.Text)
{
    public string? Positive => Task == TrainingTask.Binary ? Classes[1] : null;
}

/// <summary>Labels encoded for training: class ids (classification) or targets (regression), with the rows whose
/// label is missing left out.</summary>
public sealed record EncodedLabels(LabelEncoding Encoding, ImmutableArray<int> Classes, ImmutableArray<double> Targets, Seq<int> RejectedRows);

public static class Labels
{
    /// <summary>
    /// Classification labels are compared as text (numbers in invariant form, 1.0 → "1"). Classes are ordered
    /// numerically when every label is a number, else ordinally. Binary: exactly two classes; the positive one is
    /// <paramref name="positiveClass"/> when given, else the second in that order ("1" over "0", "yes" over "no",
    /// "true" over "false"). Rows with a missing label are rejected (reported, never imputed).
    /// </summary>
    /// <param name="kind">The label column's type, recorded in the encoding (<see cref="LabelValues.KindOf"/>).</param>
    public static Fin<EncodedLabels> Encode(TrainingTask task, FeatureSource label, string? positiveClass, LabelKind kind = LabelKind.Text)
    {
        var texts = Texts(label);
        var rejected = toSeq(Enumerable.Range(0, texts.Length).Where(i => texts[i] is null).ToArray());
        if (task == TrainingTask.Regression)
        {
            if (label is not NumericSource numeric)
                return FinFail<EncodedLabels>(new LabelInvalid(label.Name, "a regression label must be numeric"));
            return new EncodedLabels(new LabelEncoding(task, Seq<string>(), kind), ImmutableArray<int>.Empty, numeric.Values, rejected);
        }

        var distinct = texts.Where(t => t is not null).Select(t => t!).Distinct().ToList();
        var numericOrder = distinct.All(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var classes = numericOrder
            ? distinct.OrderBy(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList()
            : distinct.OrderBy(t => t, StringComparer.Ordinal).ToList();

        if (task == TrainingTask.Binary)
        {
            if (classes.Count != 2)
                return FinFail<EncodedLabels>(new LabelInvalid(label.Name, $"a binary task needs exactly 2 classes, found {classes.Count}: {string.Join(", ", classes.Take(10))}"));
            if (positiveClass is not null)
            {
                if (!classes.Contains(positiveClass))
                    return FinFail<EncodedLabels>(new LabelInvalid(label.Name, $"the positive class '{positiveClass}' is not one of {string.Join(", ", classes)}"));
                classes = [classes.Single(c => c != positiveClass), positiveClass];
            }
        }
        else if (classes.Count < 2)
        {
            return FinFail<EncodedLabels>(new LabelInvalid(label.Name, $"a multiclass task needs at least 2 classes, found {classes.Count}"));
        }

        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var ids = texts.Select(t => t is null ? -1 : index[t]).ToImmutableArray();
        return new EncodedLabels(new LabelEncoding(task, toSeq(classes), kind), ids, ImmutableArray<double>.Empty, rejected);
    }

    /// <summary>The label values as text: null when missing; integral numbers without a fraction.</summary>
    public static string?[] Texts(FeatureSource label) => label switch
    {
        NumericSource n => n.Values.Select(v => double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
        CategoricalSource c => c.Values.Select(v => string.IsNullOrEmpty(v) ? null : v).ToArray(),
        _ => [],
    };
}

/// <summary>Labels (and predicted classes) as the values of an output table's column, in the label column's type.</summary>
public static class LabelValues
{
    /// <summary>The label kind of a column kind: integers, numbers and booleans keep their type; every other kind
    /// (text, and any kind a label column cannot usefully be compared as) is text.</summary>
    public static LabelKind KindOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => LabelKind.Integer,
        ColumnKind.Number => LabelKind.Number,
        ColumnKind.Boolean => LabelKind.Boolean,
        _ => LabelKind.Text,
    };

    /// <summary>The name used for a label kind in a model bundle's description (<c>label_kind</c>).</summary>
    public static string Name(LabelKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The kind a bundle's <c>label_kind</c> names; none for a name this version does not know.</summary>
    public static Option<LabelKind> Parse(string name) =>
        toSeq(Enum.GetValues<LabelKind>()).Find(k => string.Equals(Name(k), name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A column of labels given as text (null = missing), as <paramref name="kind"/>: int64 for an integer label,
    /// double for a number, boolean for a boolean ("1"/"true" and "0"/"false", as <see cref="Labels.Texts"/> writes a
    /// boolean label's classes), text otherwise. A text that is not a value of the kind (a label a model never saw, in
    /// data whose label column has another type) makes the whole column text, so no value is lost or changed.
    /// </summary>
    public static Column Column(string name, LabelKind kind, IReadOnlyList<string?> texts)
    {
        switch (kind)
        {
            case LabelKind.Integer:
            {
                var values = new long?[texts.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    if (texts[i] is not { } t) continue;
                    if (!TryInteger(t, out var v)) return Text(name, texts);
                    values[i] = v;
                }
                return new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
            }
            case LabelKind.Number:
            {
                var values = new double[texts.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    if (texts[i] is not { } t) { values[i] = double.NaN; continue; }
                    if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v)) return Text(name, texts);
                    values[i] = v;
                }
                return new NumberColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
            }
            case LabelKind.Boolean:
            {
                var values = new bool?[texts.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    if (texts[i] is not { } t) continue;
                    bool? v = t switch
                    {
                        "1" => true,
                        "0" => false,
                        _ when bool.TryParse(t, out var b) => b,
                        _ => null,
                    };
                    if (v is null) return Text(name, texts);
                    values[i] = v;
                }
                return new BooleanColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
            }
            default:
                return Text(name, texts);
        }
    }

    static Column Text(string name, IReadOnlyList<string?> texts) => new TextColumn(name, texts.ToImmutableArray());

    /// <summary>An integer label's class: written by <see cref="Labels.Texts"/> from a double ("42", "1E+16"), so read
    /// back as a double that must be whole and within int64.</summary>
    static bool TryInteger(string text, out long value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value)) return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && d is >= -9.2233720368547758E18 and < 9.2233720368547758E18)
        {
            value = (long)d;
            return true;
        }
        value = 0;
        return false;
    }
}
