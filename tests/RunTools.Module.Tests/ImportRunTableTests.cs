using System.Management.Automation;
using Parquet;
using Parquet.Schema;

namespace RunTools.Module.Tests;

public sealed class ImportRunTableTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string run;

    public ImportRunTableTests()
    {
        var created = ps.Run("$run = New-Run -Name preds; $run.Path");
        created.AssertNoErrors();
        run = (string)created.Output.Single().BaseObject;
    }

    public void Dispose() => ps.Dispose();

    /// <summary>Predictions as another program (pandas, a training script) would write them: written here with
    /// Parquet.Net directly, not with RunTools' own writer.</summary>
    async Task<string> WritePredictions(string relative = "predictions/oof.parquet")
    {
        var path = Path.Combine(run, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var id = new DataField<string>("id", nullable: true);
        var fold = new DataField<long?>("fold");
        var score = new DataField<double?>("score");
        var hit = new DataField<bool?>("hit");
        var raw = new DataField<float>("raw");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, fold, score, hit, raw), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(id, new[] { "r1", null, "r3", "" });
        await group.WriteAsync<long>(fold, new long?[] { 0, 1, null, 1 }.AsMemory());
        await group.WriteAsync<double>(score, new double?[] { 0.25, null, double.NaN, -1.5 }.AsMemory());
        await group.WriteAsync<bool>(hit, new bool?[] { true, false, null, true }.AsMemory());
        await group.WriteAsync<float>(raw, new[] { 0.5f, 1f, 2f, 3f }.AsMemory());
        return path;
    }

    static object?[] Values(PSObject row) => row.Properties.Select(p => p.Value).ToArray();

    [Fact]
    public async Task A_Parquet_table_in_a_run_comes_out_as_one_object_per_row_with_typed_values_and_nulls()
    {
        await WritePredictions();
        var result = ps.Run("Import-RunTable -Run $run -Path predictions/oof.parquet");

        result.AssertNoErrors();
        Assert.Equal(4, result.Output.Count);
        Assert.All(result.Output, row => Assert.IsType<PSCustomObject>(row.BaseObject));
        Assert.Equal(["id", "fold", "score", "hit", "raw"], result.Output[0].Properties.Select(p => p.Name));
        Assert.Equal(new object?[] { "r1", 0L, 0.25, true, 0.5 }, Values(result.Output[0]));
        Assert.Equal(new object?[] { null, 1L, null, false, 1.0 }, Values(result.Output[1]));
        Assert.Equal(new object?[] { "r3", null, null, null, 2.0 }, Values(result.Output[2]));
        Assert.Equal(new object?[] { "", 1L, -1.5, true, 3.0 }, Values(result.Output[3]));
    }

    [Fact]
    public async Task Rows_work_with_ordinary_PowerShell_filtering_and_null_checks()
    {
        await WritePredictions();
        var result = ps.Run("""
            $rows = Import-RunTable -Run $run -Path predictions/oof.parquet
            ($rows | Where-Object { $_.fold -eq 1 }).Count
            ($rows | Where-Object { $null -eq $_.score }).Count
            $rows[0].score.GetType().Name
            $rows[0].fold.GetType().Name
            """);
        result.AssertNoErrors();
        Assert.Equal(new object[] { 2, 2, "Double", "Int64" }, result.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public async Task First_limits_the_rows_and_the_run_can_come_from_the_pipeline()
    {
        await WritePredictions();
        var result = ps.Run("Get-Run -Name preds | Import-RunTable predictions/oof.parquet -First 2");
        result.AssertNoErrors();
        Assert.Equal(["r1", null], result.Output.Select(r => r.Properties["id"].Value));
    }

    [Fact]
    public async Task A_registered_predictions_artifact_is_read_by_its_name()
    {
        var path = await WritePredictions();
        var result = ps.Run($"""
            Add-RunArtifact -Run $run -Path '{path}' -Kind Predictions | Out-Null
            Import-RunTable -Run $run -Name predictions/oof.parquet -First 1
            """);
        result.AssertNoErrors();
        Assert.Equal(new object?[] { "r1", 0L, 0.25, true, 0.5 }, Values(result.Output.Single()));
    }

    [Fact]
    public void A_CSV_table_is_typed_by_its_whole_columns()
    {
        File.WriteAllText(Path.Combine(run, "folds.csv"), "row,fold,weight,note\n0,1,0.5,\"a, b\"\n1,2,,\n2,x,1e3,plain\n");
        var result = ps.Run("Import-RunTable -Run $run -Path folds.csv");
        result.AssertNoErrors();
        Assert.Equal(new object?[] { 0L, "1", 0.5, "a, b" }, Values(result.Output[0]));
        Assert.Equal(new object?[] { 1L, "2", null, null }, Values(result.Output[1]));
        Assert.Equal(new object?[] { 2L, "x", 1000.0, "plain" }, Values(result.Output[2]));
    }

    [Fact]
    public void A_missing_file_is_an_error_with_its_full_path_as_target()
    {
        var result = ps.Run("Import-RunTable -Run $run -Path predictions/none.parquet");
        var error = result.SingleError();
        Assert.Equal("DataFileNotFound,RunTools.Module.Commands.ImportRunTableCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(Path.Combine(run, "predictions", "none.parquet"), error.TargetObject);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_path_that_leaves_the_run_is_refused_even_when_the_file_exists()
    {
        ps.Write("secret.csv", "a\n1\n");
        var result = ps.Run("Import-RunTable -Run $run -Path ../../secret.csv");
        var error = result.SingleError();
        Assert.Equal("PathOutsideRun,RunTools.Module.Commands.ImportRunTableCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
        Assert.Equal("../../secret.csv", error.TargetObject);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_malformed_CSV_record_is_reported_with_its_line()
    {
        File.WriteAllText(Path.Combine(run, "bad.csv"), "a,b\n1,2\n3\n");
        var result = ps.Run("Import-RunTable -Run $run -Path bad.csv");
        var error = result.SingleError();
        Assert.Equal("CsvRecordInvalid,RunTools.Module.Commands.ImportRunTableCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(Path.Combine(run, "bad.csv"), error.TargetObject);
        Assert.Equal($"{Path.Combine(run, "bad.csv")}(3): the record has 1 field; the header has 2", error.Exception.Message);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_file_that_is_not_a_table_is_refused_by_its_extension()
    {
        File.WriteAllText(Path.Combine(run, "notes.txt"), "a,b\n");
        var error = ps.Run("Import-RunTable -Run $run -Path notes.txt").SingleError();
        Assert.Equal("TableFormatUnsupported,RunTools.Module.Commands.ImportRunTableCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void An_artifact_that_is_not_a_table_or_is_not_registered_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(run, "model.csv"), "w\n0.5\n");
        var result = ps.Run($"""
            Add-RunArtifact -Run $run -Path '{Path.Combine(run, "model.csv")}' -Kind Model | Out-Null
            Import-RunTable -Run $run -Name model.csv
            Import-RunTable -Run $run -Name predictions/never.parquet
            """);
        Assert.Empty(result.Output);
        Assert.Equal(
            ["ArtifactNotTable,RunTools.Module.Commands.ImportRunTableCommand", "ArtifactNotRegistered,RunTools.Module.Commands.ImportRunTableCommand"],
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal("model.csv", result.Errors[0].TargetObject);
        Assert.Contains("model artifact", result.Errors[0].Exception.Message);
        Assert.Equal(ErrorCategory.ObjectNotFound, result.Errors[1].CategoryInfo.Category);
    }

    [Fact]
    public async Task A_Parquet_column_of_an_unsupported_type_is_named_in_the_error()
    {
        var path = Path.Combine(run, "events.parquet");
        await TypedParquet.WriteNested(path, 3);
        var error = ps.Run("Import-RunTable -Run $run -Path events.parquet").SingleError();
        Assert.Equal("TableColumnUnsupported,RunTools.Module.Commands.ImportRunTableCommand", error.FullyQualifiedErrorId);
        Assert.Contains("'Tags'", error.Exception.Message);
        Assert.Contains("list", error.Exception.Message);
    }

    [Fact]
    public async Task A_directory_that_is_not_a_run_is_an_error_and_the_next_run_in_the_pipeline_still_reads()
    {
        await WritePredictions();
        System.IO.Directory.CreateDirectory(ps.PathOf("not-a-run"));
        var result = ps.Run("'not-a-run', $run | Import-RunTable -Path predictions/oof.parquet -First 1");
        Assert.Equal("RunNotFound,RunTools.Module.Commands.ImportRunTableCommand", result.SingleError().FullyQualifiedErrorId);
        Assert.Equal("r1", result.Output.Single().Properties["id"].Value);
    }

    [Fact]
    public void The_command_is_exported_and_declares_its_output()
    {
        var result = ps.Run("""
            $c = Get-Command Import-RunTable -Module RunTools
            $c.OutputType.Type.FullName
            $c.DefaultParameterSet
            $c.ParameterSets.Name
            """);
        result.AssertNoErrors();
        Assert.Equal(new object[] { "System.Management.Automation.PSObject", "Path" }, result.Output.Take(2).Select(o => o.BaseObject));
        Assert.Equal(["Name", "Path"], result.Output.Skip(2).Select(o => (string)o.BaseObject).Order());
    }
}
