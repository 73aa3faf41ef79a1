# Training-side sources of vigil_ml (training owner), included by src/ml/CMakeLists.txt:
# metrics and the SVG report always; URL data sets once the url/domain libraries exist; the
# training pipeline and model artifacts once the URL features library exists (they use its
# extractor).
target_sources(vigil_ml PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report.cpp
)
if(TARGET vigil_url AND TARGET vigil_domain)
  target_sources(vigil_ml PRIVATE ${CMAKE_CURRENT_LIST_DIR}/url_dataset.cpp)
  target_link_libraries(vigil_ml PUBLIC vigil_url vigil_domain OpenSSL::Crypto)
endif()
if(TARGET vigil_features)
  target_sources(vigil_ml PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/url_training.cpp
    ${CMAKE_CURRENT_LIST_DIR}/artifact.cpp
  )
  target_link_libraries(vigil_ml PUBLIC vigil_features)
else()
  message(STATUS "vigil_ml: no vigil_features target yet; URL training pipeline not built")
endif()
