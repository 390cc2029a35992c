namespace ContinualSegment.Model.Plans;

/// <summary>A plan file, or a model directory, is not valid.</summary>
public sealed class ModelPlanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelPlanException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelPlanException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModelPlanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
