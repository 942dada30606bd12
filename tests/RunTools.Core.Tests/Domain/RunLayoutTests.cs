using RunTools.Domain;

namespace RunTools.Tests.Domain;

/// <summary>Hidden temporary files name their writer and the file they stand in for.</summary>
public sealed class RunLayoutTests
{
    [Theory]
    [InlineData("model.zip")]
    [InlineData("run.json")]
    [InlineData("a")]
    [InlineData("table.v2.parquet")]
    public void A_temporary_file_names_its_writer_and_the_file_it_stands_in_for(string target)
    {
        var temp = RunLayout.TempName(target, WriterId.Of("build.box.local", 4242), Guid.NewGuid());

        Assert.Equal((new WriterId("build-box-local", 4242), target), (RunLayout.WriterOf(temp), RunLayout.TargetOf(temp)));
    }

    [Theory]
    [InlineData("model.zip")]
    [InlineData(".model.zip.tmp")]
    [InlineData(".model.zip.host.12.notarandompart.tmp")]
    public void A_name_that_is_not_a_temporary_file_stands_in_for_nothing(string name) => Assert.Null(RunLayout.TargetOf(name));
}
