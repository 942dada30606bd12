namespace RunTools.Training;

/// <summary>
/// The type of a hyperparameter as a column of the inner-CV tables (<c>param_&lt;name&gt;</c>): a parameter that counts
/// something (iterations, trees, leaves, rows per leaf: an int in the ML.NET options it sets) is an integer, every other
/// parameter a double. A parameter not named here (one a new trainer or grid adds) is a double.
/// </summary>
public static class ParameterKinds
{
    static readonly Set<string> Counts = Set("iterations", "trees", "leaves", "min_leaf");

    /// <summary>Whether the parameter counts something (its values are whole numbers).</summary>
    public static bool IsCount(string parameter) => Counts.Contains(parameter);
}
