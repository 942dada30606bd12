using RunTools.Domain;

namespace RunTools.Shell.Files;

/// <summary>A file operation as a result value: an IO or permission failure becomes StorageFailed naming the path.</summary>
public static class FileWrites
{
    public static Fin<Unit> Try(string path, string operation, Action action)
    {
        try
        {
            action();
            return unit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Unit>(new StorageFailed(path, operation, e.Message));
        }
    }
}
