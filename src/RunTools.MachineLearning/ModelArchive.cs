using System.Reflection;
using Microsoft.ML;

namespace RunTools.MachineLearning;

/// <summary>
/// Saves and loads ML.NET models in memory. ML.NET's public <c>Model.Save</c> and <c>Model.Load</c> stage every entry
/// of the model's zip archive as a file in a fresh temporary directory (<c>ml_dotnet_*</c>), which they create and
/// delete at each call: for a small model that is most of the cost (measured on breast_cancer's lbfgs model: a save
/// 30–100 ms through the file system vs 3–5 ms in memory, a load 2–8 ms vs 0.3–1 ms, on a busy disk). ML.NET has the
/// in-memory mode (its repository's <c>useFileSystem: false</c>) but does not expose it, so this class calls the same
/// internal steps as the public methods with that flag, through reflection: the archive holds the same entries with
/// the same contents in the same order (a test compares the bytes with the public API's). When the running ML.NET
/// does not have those members (another version), <see cref="Available"/> is false and the public API is used.
/// </summary>
static class ModelArchive
{
    // ModelOperationsCatalog's own names: the transformer chain's directory in the archive.
    const string TransformerDirectory = "TransformerChain", SchemaEntry = "Schema";

    sealed record Members(MethodInfo CreateWriter, MethodInfo Commit, MethodInfo SaveModel, MethodInfo SaveInputSchema,
        MethodInfo CreateEntry, PropertyInfo EntryStream, MethodInfo OpenReader, MethodInfo OpenEntry, MethodInfo LoadModel);

    static readonly Members? members = Find();

    /// <summary>Whether the in-memory path is available in the loaded ML.NET.</summary>
    public static bool Available => members is not null;

    static Members? Find()
    {
        try
        {
            var core = typeof(ModelSaveContext).Assembly;
            var writer = core.GetType("Microsoft.ML.RepositoryWriter");
            var reader = core.GetType("Microsoft.ML.RepositoryReader");
            var loadContext = core.GetType("Microsoft.ML.ModelLoadContext");
            var signature = core.GetType("Microsoft.ML.SignatureLoadModel");
            if (writer is null || reader is null || loadContext is null || signature is null) return null;
            var exceptionContext = typeof(Microsoft.ML.Runtime.IExceptionContext);
            var createWriter = writer.GetMethod("CreateNew", BindingFlags.Public | BindingFlags.Static, [typeof(Stream), exceptionContext, typeof(bool)]);
            var commit = writer.GetMethod("Commit", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            var saveModel = typeof(ModelSaveContext).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
                .SingleOrDefault(m => m.Name == "SaveModel" && m.IsGenericMethodDefinition && m.GetParameters() is { Length: 3 } p && p[0].ParameterType == writer)
                ?.MakeGenericMethod(typeof(ITransformer));
            var saveInputSchema = typeof(ModelOperationsCatalog).GetMethod("SaveInputSchema", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(DataViewSchema), writer]);
            var createEntry = writer.GetMethod("CreateEntry", BindingFlags.Public | BindingFlags.Instance, [typeof(string)]);
            var entryStream = createEntry?.ReturnType.GetProperty("Stream", BindingFlags.Public | BindingFlags.Instance);
            var openReader = reader.GetMethod("Open", BindingFlags.Public | BindingFlags.Static, [typeof(Stream), exceptionContext, typeof(bool)]);
            var openEntry = reader.GetMethod("OpenEntryOrNull", BindingFlags.Public | BindingFlags.Instance, [typeof(string)]);
            var loadModel = loadContext.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .SingleOrDefault(m => m.Name == "LoadModel" && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 2
                    && m.GetParameters() is { Length: 5 } p && p[2].ParameterType == reader && p[3].ParameterType == typeof(string))
                ?.MakeGenericMethod(typeof(ITransformer), signature);
            return createWriter is null || commit is null || saveModel is null || saveInputSchema is null || createEntry is null || entryStream is null
                   || openReader is null || openEntry is null || loadModel is null
                ? null
                : new Members(createWriter, commit, saveModel, saveInputSchema, createEntry, entryStream, openReader, openEntry, loadModel);
        }
        catch (Exception e) when (e is AmbiguousMatchException or ArgumentException or InvalidOperationException or TypeLoadException)
        {
            return null;
        }
    }

    /// <summary>As <c>context.Model.Save(model, inputSchema, stream)</c>, with the archive's entries staged in memory.</summary>
    /// <param name="schemaKey">A name that identifies <paramref name="inputSchema"/> (equal keys, equal schemas): its
    /// encoding, the same for every model saved with it, is then computed once and reused. Null: encoded each time.</param>
    public static void Save(MLContext context, ITransformer model, DataViewSchema inputSchema, Stream stream, string? schemaKey = null)
    {
        if (members is not { } m)
        {
            context.Model.Save(model, inputSchema, stream);
            return;
        }
        using var repository = (IDisposable)Invoke(m.CreateWriter, null, stream, context, false)!;
        Invoke(m.SaveModel, null, repository, model, TransformerDirectory);
        if (schemaKey is null)
        {
            Invoke(m.SaveInputSchema, context.Model, inputSchema, repository);
        }
        else
        {
            // The schema's entry is the last one, as SaveInputSchema leaves it: its bytes written once per key.
            var bytes = schemas.GetOrAdd(schemaKey, _ => SchemaEntryBytes(context, m, inputSchema));
            using var entry = (IDisposable)Invoke(m.CreateEntry, repository, SchemaEntry)!;
            ((Stream)m.EntryStream.GetValue(entry)!).Write(bytes);
        }
        Invoke(m.Commit, repository);
    }

    // The Schema entry's bytes per input schema (ML.NET's binary encoding of an empty data view with that schema: a
    // fixed function of the schema, written by a reader and a writer thread each time).
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> schemas = new(StringComparer.Ordinal);

    static byte[] SchemaEntryBytes(MLContext context, Members m, DataViewSchema inputSchema)
    {
        using var stream = new MemoryStream();
        using (var repository = (IDisposable)Invoke(m.CreateWriter, null, stream, context, false)!)
        {
            Invoke(m.SaveInputSchema, context.Model, inputSchema, repository);
            Invoke(m.Commit, repository);
        }
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(stream.ToArray()), System.IO.Compression.ZipArchiveMode.Read);
        using var content = new MemoryStream();
        using (var entry = archive.GetEntry(SchemaEntry)!.Open()) entry.CopyTo(content);
        return content.ToArray();
    }

    /// <summary>As <c>context.Model.Load(stream, out _)</c>, with the archive's entries read into memory, for a model
    /// saved with its input schema as <see cref="Save"/> saves them (the input schema, which the public method also
    /// decodes, is not needed to score). Any other archive goes through the public method, which knows older layouts.</summary>
    public static ITransformer Load(MLContext context, Stream stream)
    {
        if (members is not { } m) return context.Model.Load(stream, out _);
        using (var repository = (IDisposable)Invoke(m.OpenReader, null, stream, context, false)!)
        {
            using var schema = (IDisposable?)Invoke(m.OpenEntry, repository, SchemaEntry);
            if (schema is not null)
            {
                var arguments = new object?[] { context, null, repository, TransformerDirectory, System.Array.Empty<object>() };
                Invoke(m.LoadModel, null, arguments);
                return (ITransformer)arguments[1]!;
            }
        }
        stream.Position = 0;
        return context.Model.Load(stream, out _);
    }

    static object? Invoke(MethodInfo method, object? target, params object?[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            // ML.NET's own exception, as the public method would have thrown it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
    }
}
