#pragma once
// HTTP handlers for the URL verdict API: parse and validate, call UrlChecker, serialise.
#include <functional>

#include "vigil/api/router.hpp"
#include "vigil/api/url_checker.hpp"

namespace vigil::api {

struct CheckRoutesOptions {
    size_t max_url_bytes = 8 * 1024;
    size_t max_batch = 1000;
};

// Called once per fresh or cached verdict (storage, metrics). Must not block.
using VerdictObserver = std::function<void(const UrlCheck&)>;

void add_check_routes(Router& router, UrlChecker& checker, CheckRoutesOptions options, VerdictObserver observer);

}  // namespace vigil::api
