#include "vigil/api/system_routes.hpp"

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"

namespace vigil::api {

void add_system_routes(Router& router, SystemRoutesHooks hooks) {
    router.add(Method::kGet, "/health", "/health", [](const HttpRequest&) {
        HttpResponse r;
        r.body = R"({"status":"ok"})";
        return r;
    });
    router.add(Method::kGet, "/ready", "/ready", [hooks](const HttpRequest&) {
        std::string reason = hooks.not_ready_reason ? hooks.not_ready_reason() : std::string();
        if (!reason.empty()) return problem(503, "not-ready", "Not ready", reason);
        HttpResponse r;
        const std::vector<std::string> degraded = hooks.degraded ? hooks.degraded() : std::vector<std::string>{};
        if (degraded.empty()) {
            r.body = R"({"status":"ready"})";
            return r;
        }
        JsonWriter w(r.body);
        w.begin_object().field("status", "ready").key("degraded").begin_array();
        for (const auto& d : degraded) w.value(d);
        w.end_array().end_object();
        return r;
    });
    router.add(Method::kGet, "/metrics", "/metrics", [hooks](const HttpRequest&) {
        HttpResponse r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body.reserve(16 * 1024);
        if (hooks.render_metrics) hooks.render_metrics(r.body);
        return r;
    });
    router.add(Method::kGet, "/openapi.json", "/openapi.json", [](const HttpRequest&) {
        HttpResponse r;
        r.body = std::string(openapi_document());
        return r;
    });
}

}  // namespace vigil::api
