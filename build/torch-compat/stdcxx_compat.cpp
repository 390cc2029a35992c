// Provides std::ios_base_library_init(), which GCC 13's libstdc++ (GLIBCXX_3.4.32) exports and
// libLibTorchSharp.so imports. Older libstdc++ (Debian 12: GLIBCXX_3.4.30) initialises the standard
// streams through std::ios_base::Init alone, so constructing one static instance is the whole job.
#include <ios>

namespace std
{
    void ios_base_library_init();

    void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
