namespace ContinualSegment.Node.Hosting;

/// <summary>A calling AE title the node accepts, optionally only from one address.</summary>
public sealed class AllowedCaller
{
    /// <summary>The calling AE title.</summary>
    public string AeTitle { get; set; } = string.Empty;

    /// <summary>The IP address it must connect from; empty: any.</summary>
    public string Address { get; set; } = string.Empty;
}
