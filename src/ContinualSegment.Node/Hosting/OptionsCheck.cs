using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Hosting;

/// <summary>A start-up validator from a function that lists the problems of an options object, one line each.</summary>
public sealed class OptionsCheck<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
    where T : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var found = problems(options).ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
