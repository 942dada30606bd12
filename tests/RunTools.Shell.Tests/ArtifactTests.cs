using System.Security.Cryptography;
using RunTools.Domain;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests;

/// <summary>Registering artifacts while other writers register the same destination.</summary>
public sealed class ArtifactTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    string NewRun()
    {
        var request = new NewRunRequest(dir.File("runs"), "artifacts", [], [], [], [], [], dir.Path, "7.6.9");
        return Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;
    }

    [Fact]
    public void Writers_racing_for_one_destination_leave_exactly_the_file_the_manifest_records()
    {
        for (var round = 0; round < 5; round++)
        {
            var run = NewRun();
            var sources = Enumerable.Range(0, 8).Select(i => dir.Write($"model-{round}-{i}.bin", new string((char)('a' + i), 50_000 + i))).ToArray();
            using var start = new Barrier(sources.Length);

            var outcomes = sources.AsParallel().WithDegreeOfParallelism(sources.Length).Select(source =>
            {
                start.SignalAndWait();
                return RunOperations.AddArtifact(run, source, "artifacts/model.bin", copy: true, null, null, force: false);
            }).ToArray();

            var added = Assert.Single(outcomes, o => o.IsSucc);
            Assert.All(outcomes.Where(o => o.IsFail), o => Assert.IsType<ArtifactExists>(Expect.Fail(o)));
            var artifact = Expect.Succ(added).Artifact;
            var onDisk = Path.Combine(run, "artifacts", "model.bin");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(onDisk))), artifact.Sha256);
            var recorded = Expect.Succ(RunStore.Read(run)).Artifacts;
            Assert.Equal(artifact.Sha256, Assert.Single(recorded).Sha256);
            Assert.Equal(["model.bin"], Directory.GetFiles(Path.Combine(run, "artifacts")).Select(Path.GetFileName)); // no staged copy left behind
        }
    }
}
