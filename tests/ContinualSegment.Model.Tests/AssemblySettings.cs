// Torch's global random generator is shared by all threads: tests that seed it must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
