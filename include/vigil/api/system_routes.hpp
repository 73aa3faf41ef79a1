#pragma once
// Operational endpoints: /health, /ready, /metrics, /openapi.json.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/api/router.hpp"

namespace vigil::api {

struct SystemRoutesHooks {
    // Empty string = ready; otherwise the reason the server is not ready.
    std::function<std::string()> not_ready_reason;
    // Parts that do not work while the rest does (e.g. no traffic model): /ready stays 200 and lists them.
    std::function<std::vector<std::string>()> degraded;
    // Appends the Prometheus text exposition.
    std::function<void(std::string&)> render_metrics;
};

void add_system_routes(Router& router, SystemRoutesHooks hooks);

// The OpenAPI 3 document (docs/openapi.json, embedded at build time).
std::string_view openapi_document();

}  // namespace vigil::api
