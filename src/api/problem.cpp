#include "vigil/api/problem.hpp"

#include "vigil/api/json_writer.hpp"

namespace vigil::api {

HttpResponse problem(unsigned status, std::string_view slug, std::string_view title, std::string_view detail) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/problem+json";
    JsonWriter w(r.body);
    w.begin_object();
    w.field("type", std::string("https://vigil.dev/problems/") + std::string(slug));
    w.field("title", title);
    w.field("status", status);
    w.field("detail", detail);
    w.end_object();
    return r;
}

HttpResponse problem_from_error(const Error& error) {
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return problem(400, "invalid-request", "Invalid request", error.message);
        case ErrorCode::kTooLarge: return problem(413, "too-large", "Payload too large", error.message);
        case ErrorCode::kNotFound: return problem(404, "not-found", "Not found", error.message);
        default: return problem(500, "internal", "Internal error", error.message);
    }
}

}  // namespace vigil::api
