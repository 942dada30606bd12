using RunTools.Domain;

namespace RunTools.Shell.Files;

/// <summary>A file operation as a result value: an IO or permission failure becomes StorageFailed naming the path.</summary>
public static class FileWrites
{
    public static Fin<Unit> Try(string path, string operation, Action action) =>
        Try(path, operation, () =>
        {
            action();
            return FinSucc(unit);
        });

    public static Fin<T> Try<T>(string path, string operation, Func<Fin<T>> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<T>(new StorageFailed(path, operation, e.Message));
        }
    }
}
