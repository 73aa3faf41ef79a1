// The intel part of `vigil serve`: stored feeds, configured feeds refreshed in the background, and the
// feed / allow / deny / popular-domain verdict rules.
#include <iostream>

#include "vigil/cli/intel_commands.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/intel/feed_store.hpp"

namespace vigil::cli {

Result<intel::DomainList> load_popular_domains(const std::filesystem::path& setting) {
    if (setting == "none") return intel::DomainList{};
    if (setting.empty()) {
        const auto path = default_data_dir() / "domains" / "top-10000.csv.gz";
        if (!std::filesystem::exists(path)) {
            std::cerr << "vigil: warning: no popular-domain list at " << path.string()
                      << "; the model alone decides for popular domains (set --popular-domains)\n";
            return intel::DomainList{};
        }
        return intel::DomainList::load(path);
    }
    return intel::DomainList::load(setting);
}

Result<std::unique_ptr<IntelServing>> start_intel_serving(const ServerConfig& config) {
    auto feeds = intel::parse_feed_specs(config.feeds);
    if (!feeds) return feeds.error();
    auto serving = std::make_unique<IntelServing>();
    {
        auto db = store::Database::open(config.db_path);
        if (!db) return make_error(db.error().code, "intel: " + db.error().message);
        if (Status s = intel::load_stored_feeds(*db, serving->state); !s) {
            return make_error(s.error().code, "intel: loading stored feeds: " + s.error().message);
        }
    }
    api::IntelRuleSet set;
    set.feeds = &serving->state;
    if (!config.deny_list.empty()) {
        auto deny = intel::DomainList::load(config.deny_list);
        if (!deny) return deny.error();
        set.deny = std::move(*deny);
    }
    if (!config.allow_list.empty()) {
        auto allow = intel::DomainList::load(config.allow_list);
        if (!allow) return allow.error();
        set.allow = std::move(*allow);
    }
    auto popular = load_popular_domains(config.popular_domains);
    if (!popular) return popular.error();
    set.popular = std::move(*popular);
    serving->rules = api::make_intel_rules(std::move(set));
    intel::HttpClientOptions http;
    http.ca_file = config.feed_ca_file.string();
    serving->refresher = std::make_unique<intel::FeedRefresher>(std::move(*feeds), serving->state, config.db_path,
                                                                std::chrono::seconds(config.feed_refresh_s), http);
    return serving;
}

}  // namespace vigil::cli
