#pragma once
// The client side of the hash-prefix protocol (what `vigil lookup` runs): keeps the server's 4-byte prefix
// list locally, updates it with diffs and verifies the checksum, checks a URL's expressions locally and asks
// the server for full hashes only on a local prefix hit, so the server learns nothing about URLs that miss.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/intel/hash_list.hpp"
#include "vigil/intel/http_client.hpp"

namespace vigil::intel {

// The JSON of GET /api/v1/hashes/list as a ListUpdate.
Result<ListUpdate> parse_list_update(std::string_view json);

struct UpdateSummary {
    bool full = false;
    size_t additions = 0, removals = 0, prefixes = 0;
    bool retried_full = false;  // the diff did not verify; a full list was fetched instead
};

struct LookupAnswer {
    bool listed = false;
    bool asked_server = false;           // a local prefix hit sent prefixes to the server
    std::vector<std::string> sources;    // of the matching full hashes
    std::string threat_type;
    std::string matched_expression;
    size_t prefix_hits = 0;
};

class HashListClient {
public:
    // server: "http://127.0.0.1:8080" (no trailing path).
    explicit HashListClient(std::string server, HttpClientOptions http = {});

    // A state file holds "vigil-prefixes 1", the state token, and the prefixes as base64, one per line.
    Status load_state(const std::filesystem::path& path);
    Status save_state(const std::filesystem::path& path) const;

    Result<UpdateSummary> update();
    Result<LookupAnswer> lookup(std::string_view url);

    const std::string& state() const { return state_; }
    const std::vector<uint32_t>& prefixes() const { return prefixes_; }

private:
    Result<ListUpdate> fetch(const std::string& state);
    std::string server_;
    HttpClientOptions http_;
    std::string state_;
    std::vector<uint32_t> prefixes_;
};

}  // namespace vigil::intel
