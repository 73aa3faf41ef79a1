# Brand lookalike detection: index build and check cost against 10k and 100k protected domains
# (docs/benchmarks.md, section "Brand lookalikes").
add_executable(lookalike_benchmark ${CMAKE_CURRENT_LIST_DIR}/lookalike_benchmark.cpp)
target_link_libraries(lookalike_benchmark PRIVATE vigil_domain vigil_url vigil_core benchmark::benchmark Threads::Threads)
target_compile_definitions(lookalike_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
