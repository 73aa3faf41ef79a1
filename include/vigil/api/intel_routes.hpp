#pragma once
// HTTP handlers for threat intel: GET /api/v1/intel/stats, and the privacy-preserving hash-prefix lookups
// GET /api/v1/hashes/list?state=... and POST /api/v1/hashes/find (Safe Browsing v4 Update API semantics).
#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/api/router.hpp"
#include "vigil/intel/intel_state.hpp"

namespace vigil::api {

struct IntelRoutesOptions {
    size_t max_find_prefixes = 500;
    uint32_t positive_cache_s = 300;   // how long a client may trust a full-hash match
    uint32_t negative_cache_s = 300;   // how long a client may trust "no full hash for this prefix"
    uint32_t minimum_wait_s = 60;      // before the next list update
};

void add_intel_routes(Router& router, const intel::IntelState& state, IntelRoutesOptions options);

// Pure cores (unit-tested without HTTP).
std::string intel_stats_json(const intel::IntelStats& stats);
// query: the raw query string of /hashes/list.
HttpResponse hashes_list_response(const intel::IntelState& state, std::string_view query,
                                  const IntelRoutesOptions& options);
HttpResponse hashes_find_response(const intel::IntelState& state, const HttpRequest& request,
                                  const IntelRoutesOptions& options);

}  // namespace vigil::api
