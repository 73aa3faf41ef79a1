#pragma once
// GET /api/v1/domain/{name}: the domain report (domain::make_domain_report) as JSON.
#include <memory>

#include "vigil/api/router.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::api {

// `psl` must outlive the router; the detector is shared with the URL checker.
void add_domain_routes(Router& router, const domain::PublicSuffixList& psl,
                       std::shared_ptr<const domain::LookalikeDetector> detector);

}  // namespace vigil::api
