// vigil lookup URL... --server URL: the reference client of the hash-prefix API. Only 4-byte prefixes of
// URLs that hit the local list ever reach the server.
#include <iostream>
#include <string>
#include <vector>

#include "vigil/api/json_writer.hpp"
#include "vigil/cli/intel_commands.hpp"
#include "vigil/intel/hash_list_client.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kLookupUsage = R"(usage: vigil lookup URL... --server http://HOST:PORT [--state FILE] [--ca-file PEM]

Checks URLs against a Vigil server's threat lists without sending them: fetches the list of 4-byte
SHA-256 prefixes (a diff when --state holds an earlier list), checks each URL's Safe Browsing
expressions locally, and asks the server for full hashes only when a prefix matches. Prints one JSON
object per URL: {"url", "verdict": "listed"|"not-listed", "threat_type", "sources", "asked_server", ...}.
Exit status 0 when no URL is listed, 3 when one is, 1 on errors.

options:
  --server URL   Vigil server base URL (required)
  --state FILE   keep the prefix list between runs (created if missing)
  --ca-file PEM  CA certificates to trust for an https server besides the system's
  --help
)";

}  // namespace

int run_lookup(int argc, char** argv) {
    std::string server;
    std::filesystem::path state_file;
    intel::HttpClientOptions http;
    std::vector<std::string> urls;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kLookupUsage;
            return 0;
        } else if (a == "--server" || a == "--state" || a == "--ca-file") {
            if (i + 1 >= argc) return std::cerr << "vigil lookup: " << a << " needs a value\n", 2;
            if (a == "--server") {
                server = argv[++i];
            } else if (a == "--state") {
                state_file = argv[++i];
            } else {
                http.ca_file = argv[++i];
            }
        } else if (a.starts_with("--")) {
            return std::cerr << "vigil lookup: unknown option '" << a << "'\n\n" << kLookupUsage, 2;
        } else {
            urls.emplace_back(a);
        }
    }
    if (server.empty() || urls.empty()) return std::cerr << kLookupUsage, 2;

    intel::HashListClient client(server, http);
    if (!state_file.empty()) {
        if (Status s = client.load_state(state_file); !s) {
            return std::cerr << "vigil lookup: " << s.error().message << "\n", 1;
        }
    }
    auto update = client.update();
    if (!update) return std::cerr << "vigil lookup: updating the prefix list: " << update.error().message << "\n", 1;
    std::cerr << "vigil lookup: " << (update->full ? "full list" : "diff") << " +" << update->additions << " -"
              << update->removals << ", " << update->prefixes << " prefixes" << (update->retried_full ? " (diff did not verify; fetched the full list)" : "")
              << "\n";
    if (!state_file.empty()) {
        if (Status s = client.save_state(state_file); !s) {
            return std::cerr << "vigil lookup: " << s.error().message << "\n", 1;
        }
    }
    int exit_code = 0;
    for (const std::string& u : urls) {
        std::string out;
        api::JsonWriter w(out);
        w.begin_object().field("url", u);
        auto answer = client.lookup(u);
        if (!answer) {
            w.field("error", answer.error().message).end_object();
            std::cout << out << std::endl;
            exit_code = 1;
            continue;
        }
        w.field("verdict", answer->listed ? "listed" : "not-listed");
        if (answer->listed) {
            w.field("threat_type", answer->threat_type).field("matched_expression", answer->matched_expression);
            if (exit_code == 0) exit_code = 3;
        }
        w.key("sources").begin_array();
        for (const auto& s : answer->sources) w.value(s);
        w.end_array();
        w.field("prefix_hits", static_cast<uint64_t>(answer->prefix_hits));
        w.field("asked_server", answer->asked_server);
        w.end_object();
        std::cout << out << std::endl;
    }
    return exit_code;
}

}  // namespace vigil::cli
