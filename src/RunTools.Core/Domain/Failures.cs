using LanguageExt.Common;

namespace RunTools.Domain;

/// <summary>
/// Combining the results of checks. Independent checks are <see cref="Validation{FAIL,SUCCESS}"/>s combined
/// applicatively, so that every failure is reported at once; steps that depend on each other are <see cref="Fin{A}"/>s
/// that stop at the first. <see cref="ToFin{T}"/> is the boundary between the two: several errors travel as one
/// <see cref="ManyErrors"/>, which the module writes as one ErrorRecord each.
/// </summary>
public static class Failures
{
    /// <summary>Every item's value, or, when any item failed, every failure: the one error itself, or a
    /// <see cref="ManyErrors"/> of them (flattened), which the module writes as one ErrorRecord each.</summary>
    public static Fin<Seq<T>> All<T>(Seq<Fin<T>> items)
    {
        var strict = items.Strict();
        var errors = strict.Bind(f => f.Match(Succ: _ => Seq<Error>(), Fail: Flatten));
        return errors.IsEmpty
            ? FinSucc(strict.Map(f => f.Match(Succ: v => v, Fail: e => throw new InvalidOperationException(e.Message))))
            : FinFail<Seq<T>>(errors.Count == 1 ? errors.Head : Error.Many(errors));
    }

    /// <summary>The single errors an error stands for (a <see cref="ManyErrors"/> is its parts).</summary>
    public static Seq<Error> Flatten(Error error) =>
        error is ManyErrors many ? many.Errors.Bind(Flatten) : Seq1(error);

    /// <summary>The value, or every error: one error as itself, several as a <see cref="ManyErrors"/>.</summary>
    public static Fin<T> ToFin<T>(this Validation<Error, T> validation) =>
        validation.Match(
            Succ: FinSucc,
            Fail: errors =>
            {
                var flat = errors.Bind(Flatten);
                return FinFail<T>(flat.Count == 1 ? flat.Head : new ManyErrors(flat));
            });

    /// <summary>A step's result as a check among others: its errors (a <see cref="ManyErrors"/>'s parts) or its value.</summary>
    public static Validation<Error, T> ToValidation<T>(this Fin<T> result) =>
        result.Match(Succ: Success<Error, T>, Fail: e => Fail<Error, T>(Flatten(e)));

    /// <summary>Success when there are no errors, else all of them.</summary>
    public static Validation<Error, Unit> Of(Seq<RunError> errors) =>
        errors.IsEmpty ? Success<Error, Unit>(unit) : Fail<Error, Unit>(errors.Map(e => (Error)e));

    /// <summary>A check that needs another value: made when <paramref name="dependency"/> succeeded, skipped (the value
    /// passes) when it failed, since its errors are reported where it is combined.</summary>
    public static Validation<Error, T> CheckedWith<T, D>(this Validation<Error, T> value, Validation<Error, D> dependency,
        Func<T, D, Validation<Error, T>> check) =>
        value.Bind(v => dependency.Match(Succ: d => check(v, d), Fail: _ => Success<Error, T>(v)));

    /// <summary>At most one error per target (the first): two readers that find the same bad key (the unknown-key
    /// check and the reader of that section) report it once.</summary>
    public static Validation<Error, T> OnePerTarget<T>(this Validation<Error, T> validation) =>
        validation.Match(
            Succ: Success<Error, T>,
            Fail: errors => Fail<Error, T>(toSeq(errors.Bind(Flatten).GroupBy(e => e is RunError { Target: { } t } ? t : e).Select(g => g.First()).ToArray())));
}
