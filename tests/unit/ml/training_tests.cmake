# Training-side tests (training owner); included by tests/unit/ml/CMakeLists.txt.
vigil_add_test(NAME ml_metrics_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/metrics_test.cpp LIBS vigil_ml LABELS unit)
vigil_add_test(NAME ml_report_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_test.cpp LIBS vigil_ml LABELS unit)
if(TARGET vigil_url AND TARGET vigil_domain)
  vigil_add_test(NAME ml_url_dataset_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/url_dataset_test.cpp
                 LIBS vigil_ml LABELS unit)
endif()
if(TARGET vigil_features)
  vigil_add_test(NAME ml_url_training_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/url_training_test.cpp
                 LIBS vigil_ml LABELS unit)
endif()
# The command-line contract of `vigil train url` / `vigil eval url` (runs the real binary).
if(TARGET vigil)
  add_test(NAME ml_cli_train_eval
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_train_eval_test.sh $<TARGET_FILE:vigil> ${PROJECT_SOURCE_DIR})
  set_tests_properties(ml_cli_train_eval PROPERTIES LABELS unit TIMEOUT 300)
endif()
