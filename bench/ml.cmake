# Native forest / TreeSHAP vs XGBoost single-row micro-benchmarks (docs/benchmarks.md,
# section "Native forest and TreeSHAP").
add_executable(ml_benchmark ${CMAKE_CURRENT_LIST_DIR}/ml_benchmark.cpp)
target_link_libraries(ml_benchmark PRIVATE vigil_ml benchmark::benchmark Threads::Threads)
target_compile_definitions(ml_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
