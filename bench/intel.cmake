# Threat-intel lookups, index builds and refresh swaps (docs/benchmarks.md, "Threat intel").
add_executable(intel_benchmark ${CMAKE_CURRENT_LIST_DIR}/intel_benchmark.cpp)
target_link_libraries(intel_benchmark PRIVATE vigil_api vigil_intel benchmark::benchmark Threads::Threads)
target_compile_definitions(intel_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
