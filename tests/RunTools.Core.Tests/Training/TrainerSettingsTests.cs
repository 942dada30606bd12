using RunTools.Training;

namespace RunTools.Tests.Training;

public sealed class TrainerSettingsTests
{
    static Candidate Of(TrainerKind trainer, params (string Key, double Value)[] parameters) => new("x#1", trainer, toMap(parameters));

    [Theory]
    [InlineData(1.0, 10, 1.0)]
    [InlineData(0.1, 10, 10.0)]
    [InlineData(4.0, 1000, 0.25)]
    public void Lbfgs_takes_l2_as_one_over_C_whatever_the_rows(double c, int rows, double l2) =>
        Assert.Equal(l2, TrainerSettings.L2FromC(TrainerKind.Lbfgs, c, rows), 12);

    [Theory]
    [InlineData(1.0, 100, 0.01)]
    [InlineData(0.1, 100, 0.1)]
    [InlineData(2.0, 400, 0.00125)]
    public void Sdca_takes_l2_as_one_over_C_times_the_rows_of_the_fit(double c, int rows, double l2) =>
        Assert.Equal(l2, TrainerSettings.L2FromC(TrainerKind.Sdca, c, rows), 12);

    [Fact]
    public void Inner_and_outer_fits_of_one_sdca_candidate_get_the_l2_of_their_own_rows()
    {
        var candidate = Of(TrainerKind.Sdca, (TrainerSettings.C, 0.5));
        Assert.Equal(1 / (0.5 * 80), TrainerSettings.ForFit(candidate, 80).Parameters["l2"], 12);
        Assert.Equal(1 / (0.5 * 120), TrainerSettings.ForFit(candidate, 120).Parameters["l2"], 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_C_that_is_not_a_positive_number_has_no_l2(double c) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainerSettings.L2FromC(TrainerKind.Lbfgs, c, 10));

    [Fact]
    public void Only_the_linear_trainers_take_C_and_a_fit_has_rows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainerSettings.L2FromC(TrainerKind.LightGbm, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainerSettings.L2FromC(TrainerKind.Sdca, 1, 0));
    }

    [Fact]
    public void A_linear_candidate_without_grid_fits_with_C_1_and_no_L1_term()
    {
        Assert.Equal(Of(TrainerKind.Lbfgs, ("l1", 0), ("l2", 1), ("iterations", 100)), TrainerSettings.ForFit(Of(TrainerKind.Lbfgs), 50));
        Assert.Equal(Of(TrainerKind.Sdca, ("l1", 0), ("l2", 1.0 / 50)), TrainerSettings.ForFit(Of(TrainerKind.Sdca), 50));
    }

    [Fact]
    public void A_given_l2_is_the_trainers_own_and_is_used_as_it_is()
    {
        Assert.Equal(Of(TrainerKind.Sdca, ("l1", 0.2), ("l2", 0.3)), TrainerSettings.ForFit(Of(TrainerKind.Sdca, ("l2", 0.3), ("l1", 0.2)), 50));
        Assert.Equal(Of(TrainerKind.Lbfgs, ("l1", 0), ("l2", 0.3), ("iterations", 5)), TrainerSettings.ForFit(Of(TrainerKind.Lbfgs, ("l2", 0.3), ("iterations", 5)), 50));
    }

    [Fact]
    public void LightGbm_defaults_to_scikit_learns_HistGradientBoosting_settings_and_keeps_given_values()
    {
        Assert.Equal(
            Of(TrainerKind.LightGbm, ("iterations", 100), ("leaves", 31), ("learning_rate", 0.1), ("min_leaf", 20), ("l2", 0)),
            TrainerSettings.ForFit(Of(TrainerKind.LightGbm), 1000));
        Assert.Equal(
            Of(TrainerKind.LightGbm, ("iterations", 100), ("leaves", 8), ("learning_rate", 0.1), ("min_leaf", 20), ("l2", 0)),
            TrainerSettings.ForFit(Of(TrainerKind.LightGbm, ("leaves", 8)), 1000));
    }

    [Fact]
    public void Every_default_is_a_parameter_its_trainer_takes_and_the_id_is_kept()
    {
        foreach (var (trainer, defaults) in TrainerSettings.Defaults)
            Assert.All(defaults.Keys, k => Assert.Contains(k, TrainerParameters.Known[trainer]));
        Assert.Equal("x#1", TrainerSettings.ForFit(Of(TrainerKind.FastTree), 10).Id);
    }
}
