using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Loads a system codec library (CharLS, OpenJPEG) by its usual names and binds its entry points.</summary>
internal static class NativeCodecLibrary
{
    /// <summary>
    /// Loads the first of <paramref name="names"/> that the system has and binds it with <paramref name="bind"/>;
    /// a library missing an entry point (another major version) is freed and the next name tried. Null when none fits.
    /// </summary>
    internal static T? Load<T>(IEnumerable<string> names, Func<nint, T> bind)
        where T : class
    {
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out nint handle))
            {
                try
                {
                    return bind(handle);
                }
                catch (EntryPointNotFoundException)
                {
                    NativeLibrary.Free(handle);
                }
            }
        }

        return null;
    }

    /// <summary>The address of <paramref name="name"/> in <paramref name="library"/>.</summary>
    /// <exception cref="EntryPointNotFoundException">The library has no such export.</exception>
    internal static nint Export(nint library, string name) => NativeLibrary.GetExport(library, name);
}
