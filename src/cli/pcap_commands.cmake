# vigil pcap (traffic-pcap); included by src/cli/CMakeLists.txt.
target_sources(vigil PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pcap_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/flow_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/live_traffic.cpp
)
target_link_libraries(vigil PRIVATE vigil_traffic_packets)
# The model side (load_traffic_model) comes with the traffic-ml library when it is part of the tree.
if(TARGET vigil_traffic)
  target_link_libraries(vigil PRIVATE vigil_traffic)
  target_compile_definitions(vigil PRIVATE VIGIL_HAVE_TRAFFIC_MODEL=1)
endif()
