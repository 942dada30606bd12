using System.Globalization;
using System.Management.Automation;
using RunTools.Retention;

namespace RunTools.Module.Infrastructure;

/// <summary>
/// Lets an age parameter (Remove-Run -OlderThan) take what people write: <c>30</c> (days), <c>1.5</c>, <c>12h</c>,
/// <c>90m</c>, <c>'30 days'</c>, <c>30.00:00:00</c> or a TimeSpan. Without it, PowerShell would turn the number 30 into
/// 30 ticks (3 microseconds): a retention policy that removes every run.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class AgeTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject ps ? ps.BaseObject : inputData) switch
        {
            null => null,
            TimeSpan span => span,
            var number when number is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal =>
                TimeSpan.FromDays(Convert.ToDouble(number, CultureInfo.InvariantCulture)),
            string text => RetentionPolicy.ParseAge(text).IfNone(() => throw new ArgumentTransformationMetadataException(
                $"'{text}' is not an age: give a number of days (30), a number with a unit (12h, 90m, 45s, 2d) or a TimeSpan (30.00:00:00).")),
            var other => other,
        };
}
