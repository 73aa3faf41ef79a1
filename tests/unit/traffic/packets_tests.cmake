# Packet-side tests: decoder, tracker, features and capture files on hand-made packets (unit);
# the 14 real captures in ../shared/data/traffic/pcaps (data); live capture on loopback (root, nmap).
vigil_add_test(NAME traffic_packets_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/packet_decoder_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connection_tracker_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connection_features_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/connection_rules_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/payload_signatures_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/pcap_file_test.cpp
  LIBS vigil_traffic_packets PkgConfig::PCAP ZLIB::ZLIB
  LABELS unit)
vigil_add_test(NAME traffic_captures_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/real_captures_test.cpp ${CMAKE_CURRENT_LIST_DIR}/live_capture_test.cpp
  LIBS vigil_traffic_packets PkgConfig::PCAP ZLIB::ZLIB
  LABELS data)
if(TARGET vigil_traffic)
  foreach(t traffic_packets_test traffic_captures_test)
    target_link_libraries(${t} PRIVATE vigil_traffic)
    target_compile_definitions(${t} PRIVATE VIGIL_HAVE_TRAFFIC_MODEL=1)
  endforeach()
endif()
