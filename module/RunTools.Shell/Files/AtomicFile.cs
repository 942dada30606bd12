using System.Security.Cryptography;
using System.Text;
using RunTools.Domain;

namespace RunTools.Shell.Files;

/// <summary>
/// Every file RunTools writes goes through here: the content is written to a hidden temporary file in the same
/// directory, flushed to disk, then renamed over the destination. A reader sees the old file or the new one, never
/// a truncated one, even if the writer is killed half way.
/// </summary>
public static class AtomicFile
{
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteText(string path, string content, bool overwrite = true) => WriteBytes(path, Utf8.GetBytes(content), overwrite);

    /// <param name="overwrite">False: fail with IOException if the destination exists (write-once files).</param>
    public static void WriteBytes(string path, ReadOnlySpan<byte> content, bool overwrite = true)
    {
        var tmp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite);
        }
        finally
        {
            TryDelete(tmp);
        }
    }

    /// <summary>Writes whatever <paramref name="write"/> writes to the stream, atomically.</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        using var staged = Stage(path, write);
        staged.Commit(overwrite);
    }

    /// <summary>Copies a file atomically and returns the SHA-256 and length of what was copied (one read pass).</summary>
    public static (string Sha256, long Bytes) CopyWithHash(string source, string destination, bool overwrite)
    {
        using var staged = StageCopy(source, destination);
        staged.Commit(overwrite);
        return (staged.Sha256!, staged.Bytes);
    }

    /// <summary>Puts a file of another run in place, atomically: a hard link where the file system allows (both names
    /// then share the bytes, which RunTools never changes in place: every write replaces a file by rename), a copy
    /// otherwise. Returns the SHA-256 and length of what is now at the destination (read back, so a source that no
    /// longer has the bytes recorded for it is caught) and whether it was linked.</summary>
    public static (string Sha256, long Bytes, bool Linked) LinkOrCopy(string source, string destination)
    {
        var tmp = TempPathFor(destination);
        try
        {
            if (HardLinks.TryCreate(source, tmp))
            {
                string sha;
                long bytes;
                using (var input = new FileStream(tmp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
                {
                    sha = Convert.ToHexStringLower(SHA256.HashData(input));
                    bytes = input.Length;
                }
                File.Move(tmp, destination, overwrite: true);
                return (sha, bytes, true);
            }
        }
        finally
        {
            TryDelete(tmp);
        }
        var (copied, length) = CopyWithHash(source, destination, overwrite: true);
        return (copied, length, false);
    }

    /// <summary>The first half of <see cref="Write"/>: the content written to the hidden temporary file and flushed,
    /// not yet in place. The caller commits it (a rename) when it has decided to, e.g. under the run's lock.</summary>
    public static StagedFile Stage(string path, Action<Stream> write)
    {
        var tmp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            return new StagedFile(tmp, path, null, 0);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary><see cref="Stage"/> for a copy of <paramref name="source"/>, with the SHA-256 and length of what was
    /// copied (one read pass).</summary>
    public static StagedFile StageCopy(string source, string destination)
    {
        string sha = "";
        long bytes = 0;
        var staged = Stage(destination, target =>
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                target.Write(buffer, 0, read);
                bytes += read;
            }
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        });
        return staged with { Sha256 = sha, Bytes = bytes };
    }

    /// <summary>A complete, flushed temporary file waiting to be renamed over <see cref="Destination"/>. Disposing it
    /// without <see cref="Commit"/> deletes it: nothing half-done stays behind.</summary>
    /// <param name="Sha256">For a staged copy, the SHA-256 of its content (null otherwise).</param>
    public sealed record StagedFile(string Temporary, string Destination, string? Sha256, long Bytes) : IDisposable
    {
        /// <param name="overwrite">False: fail with IOException if the destination exists.</param>
        public void Commit(bool overwrite) => File.Move(Temporary, Destination, overwrite);

        public void Dispose() => TryDelete(Temporary);
    }

    /// <summary>Hidden (dot) temporary name beside the destination, so a rename never crosses file systems and
    /// directory listings skip it; it names this process, so a leftover of a killed writer can be told from the work
    /// of a live one (see <see cref="RunLayout.TempName"/>).</summary>
    static string TempPathFor(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, RunLayout.TempName(Path.GetFileName(path), Hosting.SystemInfo.Writer, Guid.NewGuid()));
    }

    static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover hidden temp file is harmless; the next write uses a new name.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
