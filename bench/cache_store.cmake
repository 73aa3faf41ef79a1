# Verdict cache and SQLite write-path micro-benchmarks (docs/benchmarks.md, "Cache and storage").
add_executable(cache_store_benchmark ${CMAKE_CURRENT_LIST_DIR}/cache_store_benchmark.cpp)
target_link_libraries(cache_store_benchmark PRIVATE vigil_cache vigil_store benchmark::benchmark Threads::Threads)
