// vigil check URL... : offline verdicts with the bundled model, one JSON object per line.
#include <cstring>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "vigil/api/intel_rules.hpp"
#include "vigil/api/json_writer.hpp"
#include "vigil/api/url_checker.hpp"
#include "vigil/cli/intel_commands.hpp"
#include "vigil/cli/local_commands.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/intel/feed_refresh.hpp"
#include "vigil/store/database.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kCheckHelp = R"(usage: vigil check [options] URL...
       vigil check [options] -          (read URLs from standard input, one per line)

Scores each URL offline with the model in DIR (default: models/url of this installation) and
prints one JSON verdict per line, in the same shape as POST /api/v1/check. The verdict rules of
`vigil serve` apply as they would there (docs/api.md, "Verdict rules"):

  --model DIR               URL model directory
  --brands FILE             brand list for lookalike checks (default: the data dir's top-10000 list)
  --explain exact|auto      exact TreeSHAP reasons for every URL, or the server's default
  --popular-domains FILE    popular domains, whose URLs the model alone calls at most suspicious;
                            "none" turns the rule off (default: the data dir's top-10000 list)
  --allow-list FILE         domains always answered benign
  --deny-list FILE          domains always answered phishing
  --db PATH                 apply the threat feeds stored in this database (as `vigil intel import`
                            or the server's refresh left them); opened read-only
  --no-rules                the model's verdict alone

Exit status: 0 when every URL was scored, 1 when some URL was invalid, 2 on a usage or load error.
)";

struct CheckRules {
    std::filesystem::path popular;  // "" = default list, "none" = off
    std::filesystem::path allow;
    std::filesystem::path deny;
    std::filesystem::path db;       // "" = no feeds
    bool enabled = true;
};

// The rules `vigil serve` would apply with the same lists; `state` holds the stored feeds (it must outlive
// the rules).
Result<std::vector<std::shared_ptr<const api::VerdictRule>>> load_rules(const CheckRules& settings,
                                                                        intel::IntelState& state) {
    if (!settings.enabled) return std::vector<std::shared_ptr<const api::VerdictRule>>{};
    api::IntelRuleSet set;
    if (!settings.db.empty()) {
        auto db = store::Database::open(settings.db, store::OpenOptions{.read_only = true});
        if (!db) return make_error(db.error().code, "--db: " + db.error().message);
        if (Status s = intel::load_stored_feeds(*db, state); !s) {
            return make_error(s.error().code, "--db: loading stored feeds: " + s.error().message);
        }
        set.feeds = &state;
    }
    for (auto [path, list, flag] : {std::tuple{&settings.allow, &set.allow, "--allow-list"},
                                    std::tuple{&settings.deny, &set.deny, "--deny-list"}}) {
        if (path->empty()) continue;
        auto loaded = intel::DomainList::load(*path);
        if (!loaded) return make_error(loaded.error().code, std::string(flag) + ": " + loaded.error().message);
        *list = std::move(*loaded);
    }
    auto popular = load_popular_domains(settings.popular);
    if (!popular) return make_error(popular.error().code, "--popular-domains: " + popular.error().message);
    set.popular = std::move(*popular);
    return api::make_intel_rules(std::move(set));
}

}  // namespace

int run_check(int argc, char** argv) {
    std::filesystem::path model_dir = install_root() / "models" / "url";
    std::filesystem::path brands;
    bool exact = false;
    std::vector<std::string> urls;
    bool from_stdin = false;
    CheckRules rule_settings;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto need_value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::cerr << "vigil check: " << name << " needs a value\n";
                return nullptr;
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::cout << kCheckHelp;
            return 0;
        } else if (a == "--model") {
            auto v = need_value("--model");
            if (v == nullptr) return 2;
            model_dir = v;
        } else if (a == "--brands") {
            auto v = need_value("--brands");
            if (v == nullptr) return 2;
            brands = v;
        } else if (a == "--explain") {
            auto v = need_value("--explain");
            if (v == nullptr) return 2;
            exact = std::strcmp(v, "exact") == 0;
        } else if (a == "--popular-domains" || a == "--allow-list" || a == "--deny-list" || a == "--db") {
            auto v = need_value(argv[i]);
            if (v == nullptr) return 2;
            (a == "--popular-domains" ? rule_settings.popular
             : a == "--allow-list"    ? rule_settings.allow
             : a == "--deny-list"     ? rule_settings.deny
                                      : rule_settings.db) = v;
        } else if (a == "--no-rules") {
            rule_settings.enabled = false;
        } else if (a == "-") {
            from_stdin = true;
        } else if (a.size() > 1 && a.substr(0, 2) == "--") {
            std::cerr << "vigil check: unknown option '" << a << "'\n" << kCheckHelp;
            return 2;
        } else {
            urls.emplace_back(a);
        }
    }
    if (from_stdin) {
        for (std::string line; std::getline(std::cin, line);) {
            if (!line.empty()) urls.push_back(line);
        }
    }
    if (urls.empty()) {
        std::cerr << kCheckHelp;
        return 2;
    }
    auto runtime = load_url_runtime(model_dir, brands);
    if (!runtime) {
        std::cerr << "vigil check: " << runtime.error().message << "\n";
        return 2;
    }
    auto& rt = **runtime;
    api::UrlModel model{&rt.model.forest, rt.model.threshold, rt.model.name, rt.model.version};
    intel::IntelState feeds;
    auto rules = load_rules(rule_settings, feeds);
    if (!rules) {
        std::cerr << "vigil check: " << rules.error().message << "\n";
        return 2;
    }
    api::UrlCheckerOptions options;
    options.cache_capacity = 0;
    options.rules = std::move(*rules);
    api::UrlChecker checker(model, rt.psl, rt.brands, options);
    int status = 0;
    std::string line;
    for (const auto& u : urls) {
        line.clear();
        auto verdict = checker.check(u, exact);
        if (verdict) {
            api::append_verdict_json(line, u, *verdict);
        } else {
            status = 1;
            line = "{\"url\":";
            api::append_json_string(line, u);
            line += ",\"error\":";
            api::append_json_string(line, verdict.error().message);
            line += "}";
        }
        std::cout << line << '\n';
    }
    return status;
}

}  // namespace vigil::cli
