#pragma once
// Plain request/response values shared by handlers and the socket layer, so that handlers and
// their tests know nothing about Beast.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::api {

enum class Method : uint8_t { kGet, kPost, kPut, kDelete, kHead, kOptions, kOther };

struct HttpRequest {
    Method method = Method::kGet;
    std::string_view path;          // target without the query string
    std::string_view query;         // after '?', may be empty
    std::string_view content_type;  // media type only, parameters stripped, lower-case
    std::string_view body;
};

struct HttpResponse {
    unsigned status = 200;
    // A media type with static storage (handlers answer with a fixed set of them): no allocation per
    // response.
    std::string_view content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow, Retry-After
    bool close = false;                                        // close the connection after writing
};

std::string_view to_string(Method m);
Method method_from_string(std::string_view s);

}  // namespace vigil::api
