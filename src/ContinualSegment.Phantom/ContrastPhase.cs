namespace ContinualSegment.Phantom;

/// <summary>Contrast enhancement phase of a simulated CT.</summary>
public enum ContrastPhase
{
    Native,
    Arterial,
    PortalVenous,
}
