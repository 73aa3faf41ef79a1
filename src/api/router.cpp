#include "vigil/api/router.hpp"

#include "vigil/api/problem.hpp"

namespace vigil::api {

void Router::add(Method method, std::string pattern, std::string route_label, Handler handler) {
    bool prefix = !pattern.empty() && pattern.back() == '*';
    if (prefix) pattern.pop_back();
    routes_.push_back(Route{method, std::move(pattern), prefix, std::move(route_label), std::move(handler)});
}

Router::Match Router::match(const HttpRequest& request, HttpResponse& fallback) const {
    std::string allow;
    for (const auto& route : routes_) {
        bool path_ok = route.prefix ? (request.path.size() > route.pattern.size() &&
                                       request.path.substr(0, route.pattern.size()) == route.pattern)
                                    : request.path == route.pattern;
        if (!path_ok) continue;
        // HEAD is served by GET handlers; the socket layer drops the body.
        if (route.method == request.method || (request.method == Method::kHead && route.method == Method::kGet)) {
            return Match{&route.handler, route.label};
        }
        if (!allow.empty()) allow += ", ";
        allow += to_string(route.method);
    }
    if (!allow.empty()) {
        fallback = problem(405, "method-not-allowed", "Method not allowed",
                           "this resource accepts " + allow);
        fallback.headers.emplace_back("Allow", allow);
        return Match{nullptr, "method_not_allowed"};
    }
    fallback = problem(404, "not-found", "Not found", "no such resource");
    return Match{nullptr, "unmatched"};
}

}  // namespace vigil::api
