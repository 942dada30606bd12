using System.Collections.Immutable;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tables;
using RunTools.Tests.Config;

namespace RunTools.Tests.Tables;

public sealed class TableTests
{
    static readonly NumberColumn Score = new("score", [0.25, double.NaN, -0.0, 3.5]);
    static readonly IntegerColumn Fold = new("fold", [0, 1, null, 1]);
    static readonly TextColumn Id = new("id", ["a", null, "", "d"]);
    static readonly BooleanColumn Hit = new("hit", [true, false, null, true]);

    static Table Sample => Expect.Succ(Table.Create(Score, Fold, Id, Hit));

    [Fact]
    public void Create_keeps_the_columns_in_order_and_counts_rows()
    {
        var table = Sample;
        Assert.Equal(4, table.RowCount);
        Assert.Equal(Seq<Column>(Score, Fold, Id, Hit), table.Columns);
        Assert.Equal(
            new TableSchema(Seq(new ColumnInfo("score", ColumnKind.Number), new ColumnInfo("fold", ColumnKind.Integer),
                new ColumnInfo("id", ColumnKind.Text), new ColumnInfo("hit", ColumnKind.Boolean)), 4),
            table.Schema);
    }

    [Fact]
    public void A_table_without_columns_has_no_rows()
    {
        Assert.Equal(0, Expect.Succ(Table.Create()).RowCount);
        Assert.Equal(Table.Empty, Expect.Succ(Table.Create()));
    }

    [Fact]
    public void Create_refuses_columns_of_different_lengths() =>
        Expect.Error(new TableShapeInvalid("short", 1, 4), Table.Create(Score, new TextColumn("short", ["x"])));

    [Fact]
    public void Create_refuses_names_that_repeat_ignoring_case() =>
        Expect.Error(new ColumnNameDuplicate("SCORE"), Table.Create(Score, new NumberColumn("SCORE", [1, 2, 3, 4])));

    [Fact]
    public void Create_refuses_an_empty_name() =>
        Expect.Error(new ColumnNameInvalid("", 2, "a column needs a name"), Table.Create(Score, new NumberColumn("", [1, 2, 3, 4])));

    [Fact]
    public void Default_arrays_are_empty_columns()
    {
        var column = new NumberColumn("x", default);
        Assert.Equal(0, column.Count);
        Assert.Equal(new NumberColumn("x", []), column);
        Assert.Equal(0, (column with { Values = default }).Count);
    }

    [Fact]
    public void Column_finds_by_name_ignoring_case()
    {
        Assert.Equal(Some<Column>(Fold), Sample.Column("FOLD"));
        Assert.True(Sample.Column("nope").IsNone);
    }

    [Fact]
    public void Typed_column_access_reports_a_missing_column_or_the_wrong_kind()
    {
        Assert.Equal(Score, Expect.Succ(Sample.Column<NumberColumn>("score")));
        Expect.Error(new ColumnTypeMismatch(null, "id", ColumnKind.Number, ColumnKind.Text, null), Sample.Column<NumberColumn>("id"));
        Expect.Error(new ColumnNotFound(Seq1("label"), Seq("score", "fold", "id", "hit")), Sample.Column<NumberColumn>("label"));
    }

    [Fact]
    public void Select_reorders_and_reports_every_missing_name()
    {
        Assert.Equal(Expect.Succ(Table.Create(Hit, Score)), Expect.Succ(Sample.Select("hit", "Score")));
        Expect.Error(new ColumnNotFound(Seq("a", "b"), Seq("score", "fold", "id", "hit")), Sample.Select("a", "score", "b"));
        Expect.Error(new ColumnNameDuplicate("score"), Sample.Select("score", "score"));
    }

    [Fact]
    public void Take_keeps_the_first_rows()
    {
        var two = Sample.Take(2);
        Assert.Equal(2, two.RowCount);
        Assert.Equal(Expect.Succ(Table.Create(
            new NumberColumn("score", [0.25, double.NaN]), new IntegerColumn("fold", [0, 1]),
            new TextColumn("id", ["a", null]), new BooleanColumn("hit", [true, false]))), two);
        Assert.Equal(Sample, Sample.Take(10));
        Assert.Equal(0, Sample.Take(-1).RowCount);
        Assert.Equal(Sample.Schema with { Rows = 0 }, Sample.Take(0).Schema);
    }

    [Fact]
    public void Filter_keeps_the_rows_whose_index_passes()
    {
        var odd = Sample.Filter(i => i % 2 == 1);
        Assert.Equal(Expect.Succ(Table.Create(
            new NumberColumn("score", [double.NaN, 3.5]), new IntegerColumn("fold", [1, 1]),
            new TextColumn("id", [null, "d"]), new BooleanColumn("hit", [false, true]))), odd);
    }

    [Fact]
    public void Rows_picks_in_the_given_order_and_refuses_an_index_out_of_range()
    {
        var picked = Expect.Succ(Sample.Rows(Seq(3, 0, 3)));
        Assert.Equal(new IntegerColumn("fold", [1, 0, 1]), picked.Columns[1]);
        Expect.Error(new RowIndexOutOfRange(4, 4), Sample.Rows(Seq(0, 4)));
        Expect.Error(new RowIndexOutOfRange(-1, 4), Sample.Rows(Seq1(-1)));
    }

    [Fact]
    public void Values_come_out_as_plain_objects_with_missing_as_null()
    {
        Assert.Equal(new object?[] { 0.25, 0L, "a", true }, Sample.Columns.Map(c => c.ValueAt(0)).ToArray());
        Assert.Equal(new object?[] { null, 1L, null, false }, Sample.Columns.Map(c => c.ValueAt(1)).ToArray());
        Assert.Equal(new object?[] { -0.0, null, "", null }, Sample.Columns.Map(c => c.ValueAt(2)).ToArray());
        Assert.True(Score.IsMissing(1));
        Assert.False(Id.IsMissing(2));
    }

    [Fact]
    public void Number_equality_is_bitwise_except_that_all_NaNs_are_equal()
    {
        Assert.Equal(new NumberColumn("x", [double.NaN]), new NumberColumn("x", [BitConverter.Int64BitsToDouble(0x7FF0000000000001)]));
        Assert.NotEqual(new NumberColumn("x", [0.0]), new NumberColumn("x", [-0.0]));
        Assert.NotEqual(new NumberColumn("x", [1.0]), new NumberColumn("y", [1.0]));
        Assert.NotEqual<Column>(new NumberColumn("x", [1.0]), new IntegerColumn("x", [1]));
    }

    [Fact]
    public void Text_equality_is_ordinal_and_keeps_null_apart_from_empty()
    {
        Assert.Equal(new TextColumn("t", ["a", null]), new TextColumn("t", ImmutableArray.Create<string?>("a", null)));
        Assert.NotEqual(new TextColumn("t", [""]), new TextColumn("t", [null]));
        Assert.NotEqual(new TextColumn("t", ["é"]), new TextColumn("t", ["e\u0301"]));
    }

    // ---- artifacts -------------------------------------------------------------------------------------------

    static RunManifest ManifestWith(params Artifact[] artifacts) => new(
        1, Guid.Empty, "r1", "r1", DateTimeOffset.UnixEpoch, "0.1.0", RunStatus.Completed, null, null, null, null, null,
        Seq<InputFile>(), ConfigMap.Empty, "", NameList.Empty, null,
        new EnvironmentInfo("10", "7.6", "linux", "host", 2, Seq<EnvironmentVariable>()), null, Seq<LineageRef>(),
        Seq<StageRecord>(), toSeq(artifacts), Seq<MetricSummary>(), 0, DateTimeOffset.UnixEpoch);

    static Artifact Artifact(string path, ArtifactKind kind) => new(path, "00", 1, kind, null, DateTimeOffset.UnixEpoch);

    static RunRelativePath Rel(string path) => Expect.Succ(RunRelativePath.Create(path, "/runs/r1"));

    [Fact]
    public void A_table_artifact_is_found_by_its_path_in_the_run()
    {
        var manifest = ManifestWith(Artifact("model.zip", ArtifactKind.Model), Artifact("predictions/oof.parquet", ArtifactKind.Predictions),
            Artifact("folds.csv", ArtifactKind.FoldPlan), Artifact("t.parquet", ArtifactKind.Table));
        Assert.Equal(manifest.Artifacts[1], Expect.Succ(TableArtifacts.Find(manifest, Rel(@"predictions\.\oof.parquet"))));
        Assert.Equal(manifest.Artifacts[2], Expect.Succ(TableArtifacts.Find(manifest, Rel("folds.csv"))));
        Assert.Equal(manifest.Artifacts[3], Expect.Succ(TableArtifacts.Find(manifest, Rel("t.parquet"))));
        Expect.Error(new ArtifactNotTable("model.zip", "model"), TableArtifacts.Find(manifest, Rel("model.zip")));
        Expect.Error(new ArtifactNotRegistered("other.csv", "r1"), TableArtifacts.Find(manifest, Rel("other.csv")));
    }

    [Fact]
    public void Error_texts_name_what_is_wrong()
    {
        Assert.Equal("'p.csv': the column 'x' has a value that is not Number (row 7).",
            new ColumnTypeMismatch("p.csv", "x", ColumnKind.Number, null, 7).Message);
        Assert.Equal("p.csv(3): expected 2 fields, found 3", new CsvRecordInvalid("p.csv", 3, "expected 2 fields, found 3").Message);
        Assert.Equal(1806, new ColumnTypeMismatch(null, "x", ColumnKind.Number, ColumnKind.Text, null).ErrorCode);
        Assert.Equal("The table has no column 'a'; it has none.", new ColumnNotFound(Seq1("a"), Seq<string>()).Message);
    }
}
