// main() of the benchmarks that time a training step: freed blocks are kept for reuse (framework/heap.hpp), as the
// program that trains does, so the step is timed the way ./wb run runs it.
#include <benchmark/benchmark.h>

#include "framework/heap.hpp"

int main(int argc, char** argv) {
    wb::keep_freed_memory_for_reuse();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
