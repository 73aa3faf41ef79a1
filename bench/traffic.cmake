# Traffic models: records/s through batch prediction, µs per prediction per model, native engine
# vs XGBoost single-row (docs/benchmarks.md, section "Traffic models").
if(TARGET vigil_traffic)
  add_executable(traffic_benchmark ${CMAKE_CURRENT_LIST_DIR}/traffic_benchmark.cpp)
  target_link_libraries(traffic_benchmark PRIVATE vigil_traffic vigil_ml benchmark::benchmark Threads::Threads)
  target_compile_definitions(traffic_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
