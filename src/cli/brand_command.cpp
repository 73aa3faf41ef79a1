// vigil brand permute DOMAIN [--json] | vigil brand check [--brands FILE] [--json] HOST...
#include "vigil/cli/brand_command.hpp"

#include <iostream>
#include <string>
#include <vector>

#include "vigil/api/json_writer.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/domain/domain_report.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/permutations.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kBrandHelp = R"(usage: vigil brand permute DOMAIN [--json]
       vigil brand check [--brands FILE] [--top N] [--json] HOST...   (or - to read hosts from stdin)

permute  prints dnstwist-style permutations of DOMAIN, one per line as "technique<TAB>domain"
         (plus "<TAB>unicode form" for IDN ones), or one JSON object with --json. Families:
         addition, bitsquatting, homoglyph, hyphenation, insertion, omission, repetition,
         replacement, subdomain, transposition, vowel-swap, tld-swap, dictionary, combo.
         Useful to monitor one's own brand (e.g. feed them to a DNS resolver).
check    reports, for each HOST, the protected domain it imitates: one JSON object per line
         (the shape of GET /api/v1/domain/{name}). The protected list is FILE (default
         <data dir>/domains/top-10000.csv.gz), its first N domains if --top is given.
Exit status: 0 ok, 1 when some DOMAIN/HOST was invalid, 2 on a usage or load error.
)";

int permute_command(int argc, char** argv) {
    bool json = false;
    std::string domain;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kBrandHelp;
            return 0;
        }
        if (a == "--json") {
            json = true;
        } else if (a.substr(0, 2) == "--") {
            std::cerr << "vigil brand permute: unknown option '" << a << "'\n";
            return 2;
        } else if (!domain.empty()) {
            std::cerr << "vigil brand permute: one DOMAIN only\n";
            return 2;
        } else {
            domain = a;
        }
    }
    if (domain.empty()) {
        std::cerr << "vigil brand permute: missing DOMAIN (see vigil brand --help)\n";
        return 2;
    }
    auto psl = domain::PublicSuffixList::load_default();
    if (!psl) {
        std::cerr << "vigil brand permute: " << psl.error().message << "\n";
        return 2;
    }
    auto perms = domain::permute(domain, *psl);
    if (!perms) {
        std::cerr << "vigil brand permute: " << perms.error().message << "\n";
        return 1;
    }
    std::string out;
    if (json) {
        api::JsonWriter w(out);
        w.begin_object().field("domain", domain).field("count", static_cast<uint64_t>(perms->size()));
        w.key("permutations").begin_array();
        for (const auto& p : *perms) {
            w.begin_object().field("technique", domain::to_string(p.technique)).field("domain", p.domain);
            if (p.unicode != p.domain) w.field("unicode", p.unicode);
            w.end_object();
        }
        w.end_array().end_object();
        out += '\n';
    } else {
        for (const auto& p : *perms) {
            out.append(domain::to_string(p.technique)).append("\t").append(p.domain);
            if (p.unicode != p.domain) out.append("\t").append(p.unicode);
            out += '\n';
        }
    }
    std::cout << out;
    return 0;
}

int check_command(int argc, char** argv) {
    std::filesystem::path brands_file;
    size_t top = SIZE_MAX;
    std::vector<std::string> hosts;
    bool from_stdin = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kBrandHelp;
            return 0;
        }
        if (a == "--brands" || a == "--top") {
            if (i + 1 >= argc) {
                std::cerr << "vigil brand check: " << a << " needs a value\n";
                return 2;
            }
            const std::string value = argv[++i];
            if (a == "--brands") {
                brands_file = value;
            } else {
                try {
                    top = std::stoul(value);
                } catch (...) {
                    top = 0;
                }
                if (top == 0) {
                    std::cerr << "vigil brand check: --top needs a positive number\n";
                    return 2;
                }
            }
        } else if (a == "--json") {
            // JSON is the only output format; accepted for symmetry with permute.
        } else if (a == "-") {
            from_stdin = true;
        } else if (a.substr(0, 2) == "--") {
            std::cerr << "vigil brand check: unknown option '" << a << "'\n";
            return 2;
        } else {
            hosts.emplace_back(a);
        }
    }
    if (from_stdin) {
        for (std::string line; std::getline(std::cin, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) hosts.push_back(line);
        }
    }
    if (hosts.empty()) {
        std::cerr << "vigil brand check: no HOST given (see vigil brand --help)\n";
        return 2;
    }
    auto psl = domain::PublicSuffixList::load_default();
    if (!psl) {
        std::cerr << "vigil brand check: " << psl.error().message << "\n";
        return 2;
    }
    if (brands_file.empty()) brands_file = default_data_dir() / "domains" / "top-10000.csv.gz";
    auto brands = domain::BrandList::load(brands_file, *psl, top == SIZE_MAX ? 1000000 : top);
    if (!brands) {
        std::cerr << "vigil brand check: " << brands.error().message << " (set VIGIL_DATA_DIR or --brands)\n";
        return 2;
    }
    const auto detector = domain::LookalikeDetector::build(*brands, *psl);
    int status = 0;
    std::string out;
    for (const std::string& host : hosts) {
        out.clear();
        api::JsonWriter w(out);
        auto report = domain::make_domain_report(host, *psl, detector);
        if (!report) {
            w.begin_object().field("domain", host).field("error", report.error().message).end_object();
            status = 1;
        } else {
            const auto& r = *report;
            w.begin_object().field("domain", r.ascii).field("unicode", r.unicode).field("protected", r.is_protected);
            w.key("lookalike_of");
            if (r.lookalike) {
                w.value(r.lookalike.lookalike_of);
                w.field("technique", domain::to_string(r.lookalike.technique));
                w.field("distance", static_cast<uint64_t>(r.lookalike.distance));
            } else {
                w.null();
            }
            w.end_object();
        }
        std::cout << out << '\n';
    }
    return status;
}

}  // namespace

int run_brand(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        std::cout << kBrandHelp;
        return argc < 2 ? 2 : 0;
    }
    const std::string_view sub = argv[1];
    if (sub == "permute") return permute_command(argc, argv);
    if (sub == "check") return check_command(argc, argv);
    std::cerr << "vigil brand: unknown subcommand '" << sub << "'\n\n" << kBrandHelp;
    return 2;
}

}  // namespace vigil::cli
