#pragma once
// Operational endpoints: /health, /ready, /metrics, /openapi.json.
#include <functional>
#include <string>
#include <string_view>

#include "vigil/api/router.hpp"

namespace vigil::api {

struct SystemRoutesHooks {
    // Empty string = ready; otherwise the reason the server is not ready.
    std::function<std::string()> not_ready_reason;
    // Appends the Prometheus text exposition.
    std::function<void(std::string&)> render_metrics;
};

void add_system_routes(Router& router, SystemRoutesHooks hooks);

// The OpenAPI 3 document (docs/openapi.json, embedded at build time).
std::string_view openapi_document();

}  // namespace vigil::api
