#pragma once
// Threat-intel subcommands and the intel part of `vigil serve` and `vigil eval`.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/api/intel_rules.hpp"
#include "vigil/core/config.hpp"
#include "vigil/core/result.hpp"
#include "vigil/intel/feed_refresh.hpp"
#include "vigil/intel/intel_state.hpp"

namespace vigil::cli {

int run_intel(int argc, char** argv);   // vigil intel import ...
int run_lookup(int argc, char** argv);  // vigil lookup URL... --server URL

// Popular-domain list: "" = <data dir>/domains/top-10000.csv.gz (missing: warning, no rule), "none" = off.
Result<intel::DomainList> load_popular_domains(const std::filesystem::path& setting);

// What serve runs for intel: the state (stored feeds loaded), its refresher, and the verdict rules.
struct IntelServing {
    intel::IntelState state;
    std::unique_ptr<intel::FeedRefresher> refresher;
    std::vector<std::shared_ptr<const api::VerdictRule>> rules;
};
Result<std::unique_ptr<IntelServing>> start_intel_serving(const ServerConfig& config);

}  // namespace vigil::cli
