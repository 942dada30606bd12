using System.IO.Compression;
using Microsoft.ML;

namespace RunTools.MachineLearning.Tests;

/// <summary>The in-memory model archive (ML.NET's internal repository without its temporary directory) must write and
/// read exactly what ML.NET's public <c>Model.Save</c> and <c>Model.Load</c> do, for every kind of model training makes.</summary>
public sealed class ModelArchiveTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    public static TheoryData<string> Kinds => BundleTests.Kinds;

    [Fact]
    public void The_in_memory_path_is_available_in_the_ML_NET_the_project_references()
    {
        // If an ML.NET upgrade renames the internals, saving and loading still work through the public API (slower):
        // this test says so, rather than the benchmarks alone.
        Assert.True(ModelArchive.Available);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Saving_in_memory_writes_the_entries_the_public_save_writes(string kind)
    {
        var context = new MLContext(0);
        foreach (var part in Parts(kind))
        {
            var model = context.Model.Load(new MemoryStream(part.Bytes), out var schema);
            using var viaPublic = new MemoryStream();
            context.Model.Save(model, schema, viaPublic);
            using var inMemory = new MemoryStream();
            ModelArchive.Save(context, model, schema, inMemory);
            // With a schema key, twice: the second save reuses the schema entry the first one encoded.
            var key = $"test:{kind}:{schema.Single().Type}";
            using var keyed = new MemoryStream();
            ModelArchive.Save(context, model, schema, keyed, key);
            using var reused = new MemoryStream();
            ModelArchive.Save(context, model, schema, reused, key);

            Assert.Equal(Entries(viaPublic.ToArray()), Entries(inMemory.ToArray()));
            Assert.Equal(Entries(viaPublic.ToArray()), Entries(keyed.ToArray()));
            Assert.Equal(Entries(viaPublic.ToArray()), Entries(reused.ToArray()));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Loading_in_memory_gives_a_model_that_saves_as_the_one_the_public_load_gives(string kind)
    {
        var context = new MLContext(0);
        foreach (var part in Parts(kind))
        {
            var viaPublic = context.Model.Load(new MemoryStream(part.Bytes), out var schema);
            var inMemory = ModelArchive.Load(context, new MemoryStream(part.Bytes));

            Assert.Equal(Entries(Saved(context, viaPublic, schema)), Entries(Saved(context, inMemory, schema)));
        }
    }

    [Fact]
    public void An_archive_without_an_input_schema_is_loaded_by_the_public_method()
    {
        var context = new MLContext(0);
        var part = Parts("binary").Head;
        var model = context.Model.Load(new MemoryStream(part.Bytes), out _);
        using var withoutSchema = new MemoryStream();
        context.Model.Save(model, null, withoutSchema);
        withoutSchema.Position = 0;

        var loaded = ModelArchive.Load(context, withoutSchema);

        Assert.Equal(Entries(Saved(context, model, null)), Entries(Saved(context, loaded, null)));
    }

    Seq<ModelPart> Parts(string kind) =>
        models[kind].Summary.Folds.Bind(f => f.Model.Parts).Filter(p => p.Bytes.Length > 0);

    static byte[] Saved(MLContext context, ITransformer model, DataViewSchema? schema)
    {
        using var stream = new MemoryStream();
        context.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    /// <summary>An archive's entries in order, names and contents (the zip's timestamps and compression aside).</summary>
    static List<(string Name, string Content)> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var content = new MemoryStream();
            using (var s = e.Open()) s.CopyTo(content);
            return (e.FullName, Convert.ToHexString(content.ToArray()));
        }).ToList();
    }
}
