// vigil check URL... : offline verdicts with the bundled model, one JSON object per line.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/url_checker.hpp"
#include "vigil/cli/local_commands.hpp"
#include "vigil/cli/runtime.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kCheckHelp = R"(usage: vigil check [--model DIR] [--brands FILE] [--explain exact|auto] URL... 
       vigil check [--model DIR] -          (read URLs from standard input, one per line)

Scores each URL offline with the model in DIR (default: models/url of this installation) and
prints one JSON verdict per line, in the same shape as POST /api/v1/check.
Exit status: 0 when every URL was scored, 1 when some URL was invalid, 2 on a usage or load error.
)";

}  // namespace

int run_check(int argc, char** argv) {
    std::filesystem::path model_dir = install_root() / "models" / "url";
    std::filesystem::path brands;
    bool exact = false;
    std::vector<std::string> urls;
    bool from_stdin = false;
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
    api::UrlCheckerOptions options;
    options.cache_capacity = 0;
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
