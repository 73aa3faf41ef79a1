# The URL verdict core end to end (no HTTP) with the bundled model; see docs/benchmarks.md.
add_executable(pipeline_benchmark ${CMAKE_CURRENT_SOURCE_DIR}/pipeline_benchmark.cpp)
target_link_libraries(pipeline_benchmark PRIVATE vigil_api benchmark::benchmark)
target_compile_definitions(pipeline_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
