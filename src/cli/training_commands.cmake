# vigil train / vigil eval (training owner); included by src/cli/CMakeLists.txt.
target_sources(vigil PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/train_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/eval_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/url_data_options.cpp
)
# vigil train traffic / vigil eval traffic (traffic-ml)
if(TARGET vigil_traffic)
  target_sources(vigil PRIVATE ${CMAKE_CURRENT_LIST_DIR}/traffic_commands.cpp)
  target_link_libraries(vigil PRIVATE vigil_traffic)
endif()
