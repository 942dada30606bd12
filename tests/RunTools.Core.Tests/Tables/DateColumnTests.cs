using RunTools.Domain;
using RunTools.Tables;
using RunTools.Tests.Config;
using RunTools.Training;

namespace RunTools.Tests.Tables;

/// <summary>Date, timestamp and unsupported columns; CSV inference of ISO-8601 cells; what each role makes of them.</summary>
public sealed class DateColumnTests
{
    static readonly DateColumn Day = new("day", [new DateOnly(2024, 2, 29), null, new DateOnly(1969, 12, 31)]);
    static readonly TimestampColumn At = new("at", [new DateTime(2024, 1, 1, 10, 0, 0, DateTimeKind.Local), null, new DateTime(2024, 1, 1, 10, 0, 0, 250)], TimestampZone.Utc);

    [Fact]
    public void Dates_and_timestamps_give_plain_values_and_compare_by_value_and_zone()
    {
        Assert.Equal(new DateOnly(2024, 2, 29), Day.ValueAt(0));
        Assert.Null(Day.ValueAt(1));
        var at = Assert.IsType<DateTime>(At.ValueAt(0));
        Assert.Equal((new DateTime(2024, 1, 1, 10, 0, 0), DateTimeKind.Utc), (at, at.Kind));
        Assert.True(At.IsMissing(1));
        // The DateTime's kind is not part of the value; the zone is.
        Assert.Equal(At, At with { Values = [new DateTime(2024, 1, 1, 10, 0, 0, DateTimeKind.Utc), null, new DateTime(2024, 1, 1, 10, 0, 0, 250)] });
        Assert.NotEqual(At, At with { Zone = TimestampZone.Naive });
        Assert.Equal(DateTimeKind.Unspecified, ((DateTime)(At with { Zone = TimestampZone.Naive }).ValueAt(0)!).Kind);
    }

    [Fact]
    public void Rows_and_takes_keep_dates_timestamps_and_placeholders()
    {
        var table = Expect.Succ(Table.Create(Day, At, new UnsupportedColumn("tags", "list", 3)));
        var picked = Expect.Succ(table.Rows(Seq(2, 0)));
        Assert.Equal(new DateColumn("day", [new DateOnly(1969, 12, 31), new DateOnly(2024, 2, 29)]), picked.Columns[0]);
        Assert.Equal(new UnsupportedColumn("tags", "list", 2), picked.Columns[2]);
        Assert.Equal(1, table.Take(1).Columns[2].Count);
        Expect.Error(new TableColumnUnsupported("f.parquet", "tags", "list"), table.CheckValues("f.parquet"));
        Assert.Equal(ColumnKind.Timestamp, Expect.Succ(table.Column<TimestampColumn>("at")).Kind);
    }

    [Theory]
    [InlineData(new[] { "2024-01-31", "", "1999-12-31" }, ColumnKind.Date)]
    [InlineData(new[] { "2024-01-31T10:00", "2024-02-01 10:00:00.5", "2024-02-02" }, ColumnKind.Timestamp)]
    [InlineData(new[] { "2024-01-31T10:00:00Z", "2024-02-01T10:00:00+01:00", " 2024-02-01T10:00:00-0530 " }, ColumnKind.Timestamp)]
    [InlineData(new[] { "2024-01-31T10:00:00Z", "2024-02-01T10:00:00" }, ColumnKind.Text)] // with and without an offset
    [InlineData(new[] { "2024-02-30" }, ColumnKind.Text)]
    [InlineData(new[] { "2024-1-31" }, ColumnKind.Text)]
    [InlineData(new[] { "31/01/2024" }, ColumnKind.Text)]
    [InlineData(new[] { "2024-01-31T25:00" }, ColumnKind.Text)]
    [InlineData(new[] { "2024-01-31", "n/a" }, ColumnKind.Text)]
    [InlineData(new[] { "20240131" }, ColumnKind.Integer)]
    public void CSV_columns_of_ISO_8601_dates_and_date_times_are_inferred(string[] cells, ColumnKind kind) =>
        Assert.Equal(kind, CsvInference.Infer(cells));

    [Fact]
    public void A_timestamp_column_records_whether_its_cells_had_offsets()
    {
        Assert.Equal(TimestampZone.Utc, CsvInference.Evidence(["2024-01-31T10:00:00Z", "2024-01-31T10:00:00+02:00"]).Zone);
        Assert.Equal(TimestampZone.Naive, CsvInference.Evidence(["2024-01-31T10:00:00", "2024-01-31"]).Zone);
    }

    [Theory]
    [InlineData("2024-01-31T10:00:00Z", "2024-01-31T10:00:00", TimestampZone.Utc)]
    [InlineData("2024-01-31T10:00:00+02:00", "2024-01-31T08:00:00", TimestampZone.Utc)]
    [InlineData("2024-01-31t23:30-0100", "2024-02-01T00:30:00", TimestampZone.Utc)]
    [InlineData("2024-01-31 10:00:00.123456789", "2024-01-31T10:00:00.1234567", TimestampZone.Naive)]
    [InlineData("2024-01-31T10:00:00,5", "2024-01-31T10:00:00.5", TimestampZone.Naive)]
    public void Date_times_parse_to_UTC_instants_or_wall_clock_readings(string cell, string expected, TimestampZone zone)
    {
        Assert.True(CsvInference.TryTimestamp(cell, out var value, out var parsed));
        Assert.Equal((expected, zone), (TimestampColumn.Format(value, TimestampZone.Naive), parsed));
    }

    [Fact]
    public void Dates_and_timestamps_format_as_ISO_8601()
    {
        Assert.Equal("2024-02-29", DateColumn.Format(new DateOnly(2024, 2, 29)));
        Assert.Equal("2024-01-01T10:00:00Z", TimestampColumn.Format(new DateTime(2024, 1, 1, 10, 0, 0), TimestampZone.Utc));
        Assert.Equal("2024-01-01T10:00:00.25", TimestampColumn.Format(new DateTime(2024, 1, 1, 10, 0, 0, 250), TimestampZone.Naive));
        Assert.Equal("2024-02-29|null|1969-12-31", string.Join("|", ColumnRoles.Texts(Day).Select(v => v ?? "null")));
        Assert.Equal("2024-01-01T10:00:00.25Z", CsvText.Cell(At, 2));
    }

    [Fact]
    public void Roles_take_dates_and_timestamps_as_time_id_and_group_but_not_as_features_or_labels()
    {
        var time = Assert.IsType<NumericSource>(Expect.Succ(ColumnRoles.Time(Day, "d.csv")));
        Assert.Equal(new DateTime(2024, 2, 29).Ticks, time.Values[0]);
        Assert.True(double.IsNaN(time.Values[1]));
        Assert.True(time.Values[2] < time.Values[0]);
        var group = Assert.IsType<CategoricalSource>(Expect.Succ(ColumnRoles.Group(At, "d.csv")));
        Assert.Equal("2024-01-01T10:00:00Z|null|2024-01-01T10:00:00.25Z", string.Join("|", group.Values.Select(v => v ?? "null")));
        Assert.Equal("2024-01-01T10:00:00Z|null|2024-01-01T10:00:00.25Z", string.Join("|", Expect.Succ(ColumnRoles.Keys(At, "d.csv")).Select(v => v ?? "null")));

        var feature = Assert.IsType<ColumnRoleUnsupported>(Expect.Fail(ColumnRoles.Feature(At, "d.csv")));
        Assert.Equal(("at", "timestamp (UTC)", "a feature (data.features)"), (feature.Column, feature.Type, feature.Role));
        Assert.Contains("data.exclude", feature.Message);
        Assert.IsType<ColumnRoleUnsupported>(Expect.Fail(ColumnRoles.Label(Day, "d.csv")));
        var tags = new UnsupportedColumn("tags", "list", 3);
        foreach (var refused in new[] { ColumnRoles.Feature(tags, "d.parquet"), ColumnRoles.Group(tags, "d.parquet"), ColumnRoles.Time(tags, "d.parquet") })
            Assert.Equal("tags", Assert.IsType<ColumnRoleUnsupported>(Expect.Fail(refused)).Target);
        Assert.IsType<ColumnRoleUnsupported>(Expect.Fail(ColumnRoles.Keys(tags, "d.parquet")));
        var flag = Assert.IsType<NumericSource>(Expect.Succ(ColumnRoles.Feature(new BooleanColumn("flag", [true, null, false]), "d.csv")));
        Assert.Equal(new[] { 1.0, double.NaN, 0.0 }, flag.Values.ToArray());
    }
}
