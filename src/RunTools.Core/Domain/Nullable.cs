namespace RunTools.Domain;

/// <summary>Option to nullable, for records that reach PowerShell (where an Option would enumerate as a
/// collection). LanguageExt's Match refuses a null result, hence MatchUnsafe.</summary>
public static class NullableExtensions
{
    public static T? ToNullable<T>(this Option<T> option) where T : class => option.MatchUnsafe(x => x, () => null);

    public static T? ToNullableValue<T>(this Option<T> option) where T : struct => option.MatchUnsafe(x => (T?)x, () => null);
}
