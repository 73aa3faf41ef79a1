#pragma once
// The packet-capture model the capture tests score with, loaded once per test binary.
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "vigil/traffic/traffic_model.hpp"

namespace vigil::traffic::test_support {

inline const TrafficModel* packet_model() {
#ifdef VIGIL_HAVE_TRAFFIC_MODEL
    static const std::unique_ptr<TrafficModel> model = [] {
        // VIGIL_PACKET_MODEL_DIR tries another model (e.g. a candidate) without rebuilding.
        const char* dir = std::getenv("VIGIL_PACKET_MODEL_DIR");
        auto loaded = load_traffic_model(dir != nullptr ? std::filesystem::path(dir)
                                                        : std::filesystem::path(VIGIL_SOURCE_DIR) / "models" /
                                                              "traffic-packets");
        return loaded.ok() ? std::move(loaded.value()) : std::unique_ptr<TrafficModel>();
    }();
    return model.get();
#else
    return nullptr;
#endif
}

}  // namespace vigil::traffic::test_support
