namespace ContinualSegment.Phantom;

/// <summary>Extra output per generated case (e.g. a DICOM CT series writer), called after the NIfTI files are written.</summary>
public interface IPhantomCaseSink
{
    Task WriteAsync(PhantomCase phantomCase, string outputDirectory, CancellationToken cancellationToken);
}
