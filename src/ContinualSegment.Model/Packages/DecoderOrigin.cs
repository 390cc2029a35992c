namespace ContinualSegment.Model.Packages;

/// <summary>How a decoder came into a model directory; it is listed, enabled, disabled, removed and exported alike either way.</summary>
public enum DecoderOrigin
{
    /// <summary>Trained into the model: an entry of <c>plan.json</c> with its weights in <c>decoders/&lt;id&gt;.bin</c>.</summary>
    Model,

    /// <summary>Installed from a decoder package: the folder <c>decoders/&lt;id&gt;/</c>.</summary>
    Package,
}
