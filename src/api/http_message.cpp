#include "vigil/api/http_message.hpp"

namespace vigil::api {

std::string_view to_string(Method m) {
    switch (m) {
        case Method::kGet: return "GET";
        case Method::kPost: return "POST";
        case Method::kPut: return "PUT";
        case Method::kDelete: return "DELETE";
        case Method::kHead: return "HEAD";
        case Method::kOptions: return "OPTIONS";
        case Method::kOther: break;
    }
    return "OTHER";
}

Method method_from_string(std::string_view s) {
    if (s == "GET") return Method::kGet;
    if (s == "POST") return Method::kPost;
    if (s == "PUT") return Method::kPut;
    if (s == "DELETE") return Method::kDelete;
    if (s == "HEAD") return Method::kHead;
    if (s == "OPTIONS") return Method::kOptions;
    return Method::kOther;
}

}  // namespace vigil::api
