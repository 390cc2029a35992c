namespace ContinualSegment.Model.Packages;

/// <summary>
/// The enable/disable state of a model directory's decoders (<c>decoders/state.json</c>): every decoder is enabled
/// unless it is listed as disabled, and <see cref="Change"/> counts every change of the directory's decoder set or state.
/// </summary>
/// <param name="Change">The change counter (0 when the directory has no state file yet).</param>
/// <param name="Disabled">The ids of the disabled decoders.</param>
public sealed record DecoderState(long Change, IReadOnlySet<string> Disabled);
