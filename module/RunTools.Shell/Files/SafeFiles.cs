using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RunTools.Domain;

namespace RunTools.Shell.Files;

/// <summary>
/// Paths as the file system resolves them. Checks that a path stays inside a run are made on the real path (every
/// symbolic link on the way followed), never only on its text: <c>artifacts/link/x.txt</c> with <c>artifacts/link</c>
/// pointing elsewhere is outside the run.
/// </summary>
public static class RealPaths
{
    const int MaxLinks = 40; // as the kernel's ELOOP limit

    /// <summary>The real path of <paramref name="path"/>: each existing component's symbolic link resolved (relative
    /// targets against the real directory holding the link, ".." after resolution, as the kernel does). The part that
    /// does not exist yet is appended as it is.</summary>
    /// <exception cref="IOException">More than 40 links on the way (a loop).</exception>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new LinkedList<string>(Split(full[root.Length..]));
        var current = root;
        var links = 0;
        while (pending.First is { } first)
        {
            pending.RemoveFirst();
            var part = first.Value;
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            var target = LinkTarget(next);
            if (target is null)
            {
                if (!File.Exists(next) && !Directory.Exists(next))
                {
                    // Nothing more exists on the way: the rest is where a file would be created, its ".." folded as
                    // they will be once the folders on the way are made.
                    return Path.GetFullPath(Path.Combine([next, .. pending]));
                }
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"Too many levels of symbolic links resolving '{path}'.");
            if (Path.IsPathRooted(target))
            {
                var targetRoot = Path.GetPathRoot(target)!;
                current = targetRoot;
                target = target[targetRoot.Length..];
            }
            foreach (var p in Split(target).Reverse()) pending.AddFirst(p);
        }
        return current;
    }

    /// <summary>The target of a symbolic link (or Windows junction) as stored; null when the path is not one.</summary>
    public static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool IsLink(string path) => LinkTarget(path) is not null;

    /// <summary>Whether a full path is inside a directory (case-insensitive on Windows).</summary>
    public static bool IsInside(string directory, string full) =>
        full.StartsWith(directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar,
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>The real location of <paramref name="relative"/> inside the run, as a path relative to the run's real
    /// directory with '/' separators; PathOutsideRun when links lead outside.</summary>
    /// <param name="given">The path as the user gave it, for the error.</param>
    public static Fin<string> InsideRun(string run, string relative, string given)
    {
        string runReal, real;
        try
        {
            runReal = Resolve(run);
            real = Resolve(Path.Combine(run, relative));
        }
        catch (IOException)
        {
            return FinFail<string>(new PathOutsideRun(given, run));
        }
        return IsInside(runReal, real)
            ? FinSucc(Path.GetRelativePath(runReal, real).Replace('\\', '/'))
            : FinFail<string>(new PathOutsideRun(given, run));
    }

    static IEnumerable<string> Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// The run's own files (events.jsonl, run.json, the lock, logs, sidecars, heartbeats) are plain files in plain
/// folders. A symbolic link among them would send RunTools' writes elsewhere, so it is refused before anything is
/// read or written, and files that are appended to are opened without following links (O_NOFOLLOW).
/// </summary>
public static class OwnFiles
{
    /// <summary>Refuses a run whose own files or folders (those named, which exist) are symbolic links:
    /// PathOutsideRun when the link leads outside the run, RunCorrupted otherwise.</summary>
    public static Fin<Unit> Check(string run, params string[] names)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(run, name);
            if (RealPaths.LinkTarget(path) is null) continue;
            return RealPaths.InsideRun(run, name, path).Bind(_ =>
                FinFail<Unit>(new RunCorrupted(run, $"'{name}' is a symbolic link; the run's own files must be plain files")));
        }
        return unit;
    }

    /// <summary>Opens (creating if needed) one of the run's own files for writing without following a symbolic link at
    /// its last component; the caller has checked the folders on the way with <see cref="Check"/>.</summary>
    /// <exception cref="IOException">The path is a symbolic link, or cannot be opened.</exception>
    public static FileStream OpenWrite(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            if (RealPaths.IsLink(path)) throw new IOException($"'{path}' is a symbolic link.");
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 1);
        }
        return new FileStream(Native.OpenNoFollow(path, Native.O_WRONLY), FileAccess.Write, 1);
    }

    /// <summary>Takes an exclusive lock on a file (created if needed, never through a symbolic link) without waiting:
    /// null when another handle holds it. Closing the returned handle releases the lock.</summary>
    /// <exception cref="IOException">The file cannot be opened or locked for another reason than contention.</exception>
    public static SafeFileHandle? TryLockExclusive(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            if (RealPaths.IsLink(path)) throw new IOException($"'{path}' is a symbolic link.");
            try
            {
                return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021))
            {
                return null;
            }
        }
        var handle = Native.OpenNoFollow(path, Native.O_RDWR);
        if (Native.flock(handle, Native.LOCK_EX | Native.LOCK_NB) == 0) return handle;
        var errno = Marshal.GetLastPInvokeError();
        handle.Dispose();
        if (errno == Native.EWOULDBLOCK) return null;
        throw new IOException($"Could not lock '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>Whether another handle holds an exclusive lock on an existing file (false when it does not exist).
    /// Probing takes the lock for a moment when it is free.</summary>
    public static bool IsLocked(string path)
    {
        try
        {
            using var probe = TryLockExclusive(path);
            return probe is null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Opens a file of a run for reading, never through a symbolic link at its last component and only when it
    /// is a plain file: a FIFO (which would block the reader) or a socket is refused, as is a link. The caller has
    /// checked the folders on the way.</summary>
    /// <exception cref="IOException">The path is a symbolic link or not a plain file, or cannot be opened.</exception>
    public static FileStream OpenRead(string path)
    {
        if (RealPaths.IsLink(path)) throw new NotPlainFileException($"'{path}' is a symbolic link.");
        if (OperatingSystem.IsWindows()) return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        SafeFileHandle handle;
        try
        {
            handle = Native.OpenNoFollow(path, Native.O_RDONLY | Native.O_NONBLOCK, create: false);
        }
        catch (IOException) when (RealPaths.IsLink(path))
        {
            throw new NotPlainFileException($"'{path}' is a symbolic link."); // it became one since the check above
        }
        var stream = new FileStream(handle, FileAccess.Read, 1 << 16);
        if (stream.CanSeek) return stream; // a FIFO or a socket cannot seek
        stream.Dispose();
        throw new NotPlainFileException($"'{path}' is not a plain file (a FIFO or a socket).");
    }

    static class Native
    {
        public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, LOCK_EX = 2, LOCK_NB = 4;

        public static int O_NONBLOCK => OperatingSystem.IsLinux() ? 0x800 : 0x4;
        public static readonly int EWOULDBLOCK = OperatingSystem.IsLinux() ? 11 : 35;
        const int ELOOP_LINUX = 40, ELOOP_BSD = 62;

        static int O_CREAT => OperatingSystem.IsLinux() ? 0x40 : 0x200;

        static int O_CLOEXEC => OperatingSystem.IsLinux() ? 0x80000 : 0x1000000;

        static int O_NOFOLLOW => OperatingSystem.IsLinux()
            ? RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000
            : 0x100;

        [DllImport("libc", SetLastError = true, EntryPoint = "open")]
        static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", SetLastError = true, EntryPoint = "flock")]
        static extern int flock(int fd, int operation);

        public static int flock(SafeFileHandle handle, int operation) => flock((int)handle.DangerousGetHandle(), operation);

        public static SafeFileHandle OpenNoFollow(string path, int access, bool create = true)
        {
            var fd = open(path, access | (create ? O_CREAT : 0) | O_NOFOLLOW | O_CLOEXEC, Convert.ToInt32("644", 8));
            if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno is ELOOP_LINUX or ELOOP_BSD
                ? $"'{path}' is a symbolic link; the run's own files are never opened through one."
                : $"Could not open '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }
}

/// <summary>A path that was to be read as a plain file is a symbolic link, a FIFO or a socket.</summary>
public sealed class NotPlainFileException(string message) : IOException(message);

/// <summary>Directory operations that keep a run visible while it is replaced.</summary>
public static class Directories
{
    /// <summary>Swaps two directories in one step where the file system can (Linux: renameat2 with RENAME_EXCHANGE), so
    /// that a run being replaced is never absent from its root, whenever the process doing it is killed. Returns false
    /// when this platform or file system cannot; the caller then moves them one after the other.</summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
        var errno = Marshal.GetLastPInvokeError();
        // EINVAL: the file system does not support the exchange; ENOSYS: the kernel does not.
        if (errno is 22 or 38) return false;
        throw new IOException($"Could not exchange '{a}' and '{b}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    const int AtFdCwd = -100;
    const uint RenameExchange = 2;

    [DllImport("libc", SetLastError = true)]
    static extern int renameat2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);
}

/// <summary>Hard links: a second name for a file's bytes, on the same file system.</summary>
public static class HardLinks
{
    /// <summary>Creates <paramref name="link"/> as a hard link to <paramref name="existing"/>; false when the platform or
    /// file system cannot (another device, no hard links), so the caller copies instead.</summary>
    public static bool TryCreate(string existing, string link)
    {
        try
        {
            return OperatingSystem.IsWindows() ? CreateHardLinkW(link, existing, IntPtr.Zero) : Link(existing, link) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "link")]
    static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    static extern bool CreateHardLinkW(string link, string existing, IntPtr security);
}
