# URL parse + lexical feature extraction micro-benchmarks (docs/benchmarks.md, section
# "URL parsing and features").
add_executable(features_benchmark ${CMAKE_CURRENT_LIST_DIR}/features_benchmark.cpp)
target_link_libraries(features_benchmark PRIVATE vigil_features vigil_url vigil_domain vigil_core
                      benchmark::benchmark Threads::Threads)
target_compile_definitions(features_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
