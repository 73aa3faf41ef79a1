#pragma once
// RFC 7807 application/problem+json responses: the one place errors turn into HTTP.
#include <string_view>

#include "vigil/api/http_message.hpp"
#include "vigil/core/result.hpp"

namespace vigil::api {

// `slug` becomes the type URI "https://vigil.dev/problems/<slug>".
HttpResponse problem(unsigned status, std::string_view slug, std::string_view title, std::string_view detail);

// Maps an Error from a pure core to 400/413/404/500 problems.
HttpResponse problem_from_error(const Error& error);

}  // namespace vigil::api
