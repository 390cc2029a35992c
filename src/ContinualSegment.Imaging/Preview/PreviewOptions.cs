namespace ContinualSegment.Imaging.Preview;

/// <summary>How a preview is drawn.</summary>
/// <param name="WindowCenter">CT window centre in HU.</param>
/// <param name="WindowWidth">CT window width in HU.</param>
/// <param name="Opacity">Label overlay opacity, 0–1.</param>
/// <param name="MaxPanelSize">Largest panel side in pixels; panels are drawn at isotropic pixel size.</param>
public sealed record PreviewOptions(double WindowCenter = 40, double WindowWidth = 400, double Opacity = 0.45, int MaxPanelSize = 400)
{
    /// <summary>Checks the values are usable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WindowWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(Opacity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Opacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPanelSize, 16);
    }
}
