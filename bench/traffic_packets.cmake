# Packets per second through decode + connection assembly + NSL-KDD features (docs/benchmarks.md,
# section "Packet captures").
add_executable(traffic_packets_benchmark ${CMAKE_CURRENT_LIST_DIR}/traffic_packets_benchmark.cpp)
target_link_libraries(traffic_packets_benchmark PRIVATE vigil_traffic_packets vigil_core benchmark::benchmark
                      Threads::Threads)
target_compile_definitions(traffic_packets_benchmark PRIVATE VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
