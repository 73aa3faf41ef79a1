# Training-side sources of vigil_ml (training owner): metrics and the SVG report always; URL data
# sets, the training pipeline and model artifacts once the URL features library exists (they use
# its extractor). Included by src/ml/CMakeLists.txt.
target_sources(vigil_ml PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report.cpp
)
if(TARGET vigil_features)
  target_sources(vigil_ml PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/url_dataset.cpp
    ${CMAKE_CURRENT_LIST_DIR}/url_training.cpp
    ${CMAKE_CURRENT_LIST_DIR}/artifact.cpp
  )
  target_link_libraries(vigil_ml PUBLIC vigil_features OpenSSL::Crypto)
else()
  message(STATUS "vigil_ml: no vigil_features target yet; URL training pipeline not built")
endif()
