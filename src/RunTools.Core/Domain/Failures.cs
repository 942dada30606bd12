using LanguageExt.Common;

namespace RunTools.Domain;

/// <summary>Combining the results of independent checks so that every failure is reported at once.</summary>
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
}
