# Traffic API hot path: record parsing, alert folding, ingest, and the traffic write path (docs/benchmarks.md,
# "Traffic API").
add_executable(traffic_api_benchmark ${CMAKE_CURRENT_LIST_DIR}/traffic_api_benchmark.cpp)
target_link_libraries(traffic_api_benchmark PRIVATE vigil_traffic_api Boost::json benchmark::benchmark
                      Threads::Threads)
