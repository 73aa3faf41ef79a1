# Packet side of the traffic module (owner: traffic-pcap): decoder, connection tracker, NSL-KDD
# features, capture files, live capture and monitor. Included by src/traffic/CMakeLists.txt.
pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET GLOBAL libpcap)

add_library(vigil_traffic_packets STATIC
  ${CMAKE_CURRENT_LIST_DIR}/packet_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_tracker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/service_names.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_features.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/payload_signatures.cpp
  ${CMAKE_CURRENT_LIST_DIR}/packet_pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pcap_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/capture_analysis.cpp
  ${CMAKE_CURRENT_LIST_DIR}/live_capture.cpp
  ${CMAKE_CURRENT_LIST_DIR}/live_monitor.cpp
)
target_include_directories(vigil_traffic_packets PUBLIC ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(vigil_traffic_packets PUBLIC vigil_core Threads::Threads PRIVATE PkgConfig::PCAP ZLIB::ZLIB)
