# The trivial Beast server used as the throughput ceiling by bench/wrk/run.sh.
add_executable(trivial_beast_server ${CMAKE_CURRENT_SOURCE_DIR}/trivial_beast_server.cpp)
target_link_libraries(trivial_beast_server PRIVATE Boost::system Threads::Threads)
