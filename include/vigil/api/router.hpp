#pragma once
// Exact-path and prefix routes to handlers; answers 404 and 405 (with Allow) itself.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/api/http_message.hpp"

namespace vigil::api {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
public:
    // `pattern` is an exact path, or a prefix when it ends with '*' ("/api/v1/domain/*").
    void add(Method method, std::string pattern, std::string route_label, Handler handler);

    struct Match {
        const Handler* handler = nullptr;
        std::string_view route_label;  // low-cardinality label for metrics ("/api/v1/check", "unmatched")
    };
    // Finds the handler; when none, returns a handler-less match and fills `fallback` with 404/405.
    Match match(const HttpRequest& request, HttpResponse& fallback) const;

private:
    struct Route {
        Method method;
        std::string pattern;
        bool prefix;
        std::string label;
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace vigil::api
