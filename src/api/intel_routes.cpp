#include "vigil/api/intel_routes.hpp"

#include <boost/json.hpp>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/intel/hash_list.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;

HttpResponse bad_request(std::string_view detail) {
    return problem(400, "invalid-request", "Invalid request", detail);
}

HttpResponse json_response(std::string body) {
    HttpResponse r;
    r.body = std::move(body);
    return r;
}

std::string seconds(uint32_t s) { return std::to_string(s) + "s"; }

void write_status(JsonWriter& w, const intel::RefreshStatus& st) {
    w.key("last_refresh").begin_object();
    if (st.time_ms == 0) {
        w.key("time_ms").null();
    } else {
        w.field("time_ms", st.time_ms);
    }
    w.field("status", st.time_ms == 0 ? "never" : st.ok ? "ok" : "error");
    w.field("error", st.error);
    w.field("records", static_cast<uint64_t>(st.records));
    w.field("malformed", static_cast<uint64_t>(st.malformed));
    w.field("skipped", static_cast<uint64_t>(st.skipped));
    w.field("invalid_urls", static_cast<uint64_t>(st.invalid_urls));
    w.field("duplicates", static_cast<uint64_t>(st.duplicates));
    w.field("added", static_cast<uint64_t>(st.added));
    w.field("removed", static_cast<uint64_t>(st.removed));
    w.end_object();
}

}  // namespace

std::string intel_stats_json(const intel::IntelStats& stats) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("sources").begin_array();
    size_t total = 0;
    int64_t last_ms = 0;
    for (const auto& s : stats.sources) {
        total += s.entries;
        last_ms = std::max(last_ms, s.last_refresh.time_ms);
        w.begin_object();
        w.field("name", s.name).field("format", s.format).field("location", s.location);
        w.field("entries", static_cast<uint64_t>(s.entries));
        write_status(w, s.last_refresh);
        w.end_object();
    }
    w.end_array();
    w.field("entries", static_cast<uint64_t>(total));
    if (last_ms == 0) {
        w.key("last_refresh_ms").null();
    } else {
        w.field("last_refresh_ms", last_ms);
    }
    w.key("index").begin_object();
    w.field("version", stats.index_version);
    w.field("full_hashes", static_cast<uint64_t>(stats.index_listings));
    w.field("prefixes", static_cast<uint64_t>(stats.index_prefixes));
    w.field("memory_bytes", static_cast<uint64_t>(stats.index_memory_bytes));
    w.field("built_ms", stats.index_built_ms);
    w.field("swaps", stats.swaps);
    w.end_object();
    w.end_object();
    return out;
}

HttpResponse hashes_list_response(const intel::IntelState& state, std::string_view query,
                                  const IntelRoutesOptions& options) {
    std::string_view token;
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        if (name != "state") return bad_request("unknown query parameter '" + std::string(name.substr(0, 64)) + "'");
        token = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    const auto current = state.snapshot();
    std::shared_ptr<const intel::ThreatIndex> previous;
    if (!token.empty()) {
        const auto ref = intel::parse_state_token(token);
        if (!ref) return bad_request("parameter 'state' is not a state token this server issued");
        previous = state.find_version(ref->version);
        // An index from another server run can carry the same version: the checksum tells them apart.
        if (previous && !intel::token_matches(*previous, *ref)) previous.reset();
    }
    const intel::ListUpdate u = intel::compute_update(*current, previous.get());
    std::string out;
    out.reserve(u.additions.size() * 6 + u.removal_indices.size() * 8 + 256);
    JsonWriter w(out);
    w.begin_object();
    const bool no_change = !u.full && u.additions.empty() && u.removal_indices.empty();
    w.field("response_type", u.full ? "FULL_UPDATE" : no_change ? "NO_CHANGE" : "PARTIAL_UPDATE");
    w.field("prefix_size", static_cast<uint64_t>(intel::kPrefixBytes));
    w.key("additions").begin_object();
    w.field("count", static_cast<uint64_t>(u.additions.size()));
    w.field("raw_hashes", intel::base64_encode(intel::pack_prefixes(u.additions)));
    w.end_object();
    w.key("removals").begin_object().key("raw_indices").begin_array();
    for (uint32_t i : u.removal_indices) w.value(static_cast<uint64_t>(i));
    w.end_array().end_object();
    w.field("new_state", u.new_state);
    w.key("checksum").begin_object();
    w.field("sha256", intel::base64_encode(std::string_view(reinterpret_cast<const char*>(u.checksum.data()), 32)));
    w.end_object();
    w.field("minimum_wait_duration", seconds(options.minimum_wait_s));
    w.end_object();
    return json_response(std::move(out));
}

HttpResponse hashes_find_response(const intel::IntelState& state, const HttpRequest& req,
                                  const IntelRoutesOptions& options) {
    if (req.content_type != "application/json") {
        return problem(415, "unsupported-media-type", "Unsupported media type", "send the body as application/json");
    }
    json::parse_options opts;
    opts.max_depth = 4;
    json::error_code ec;
    const json::value body = json::parse(req.body, ec, json::storage_ptr(), opts);
    if (ec) return bad_request("body is not valid JSON: " + ec.message());
    if (!body.is_object()) return bad_request("body must be a JSON object");
    const auto& obj = body.get_object();
    for (const auto& kv : obj) {
        if (kv.key() != "prefixes" && kv.key() != "encoding") {
            return bad_request("unknown field '" + std::string(kv.key().substr(0, 64)) + "'");
        }
    }
    intel::PrefixEncoding encoding = intel::PrefixEncoding::kAuto;
    if (const auto* e = obj.if_contains("encoding")) {
        if (!e->is_string() || (e->get_string() != "hex" && e->get_string() != "base64")) {
            return bad_request("field 'encoding' must be \"hex\" or \"base64\"");
        }
        encoding = e->get_string() == "hex" ? intel::PrefixEncoding::kHex : intel::PrefixEncoding::kBase64;
    }
    const auto* p = obj.if_contains("prefixes");
    if (p == nullptr) return bad_request("missing required field 'prefixes'");
    if (!p->is_array()) return bad_request("field 'prefixes' must be an array of strings");
    const auto& arr = p->get_array();
    if (arr.empty()) return bad_request("field 'prefixes' must not be empty");
    if (arr.size() > options.max_find_prefixes) {
        return problem(413, "too-many-prefixes", "Too many prefixes",
                       "at most " + std::to_string(options.max_find_prefixes) + " prefixes per request, got " +
                           std::to_string(arr.size()));
    }
    std::vector<std::string> prefixes;
    prefixes.reserve(arr.size());
    for (size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) return bad_request("prefixes[" + std::to_string(i) + "] must be a string");
        const auto& s = arr[i].get_string();
        auto raw = intel::decode_hash_prefix(std::string_view(s.data(), s.size()), encoding);
        if (!raw) return bad_request("prefixes[" + std::to_string(i) + "]: " + raw.error().message);
        prefixes.push_back(std::move(*raw));
    }
    const auto index = state.snapshot();
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("matches").begin_array();
    std::vector<const intel::ThreatIndex::Listing*> seen;
    for (const std::string& raw : prefixes) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(raw.data());
        for (const auto& l : index->with_prefix(std::span<const uint8_t>(bytes, raw.size()))) {
            if (std::find(seen.begin(), seen.end(), &l) != seen.end()) continue;  // asked twice
            seen.push_back(&l);
            w.begin_object();
            w.field("hash", intel::base64_encode(std::string_view(reinterpret_cast<const char*>(l.hash.data()), 32)));
            w.field("threat_type", intel::to_string(l.threat));
            w.key("sources").begin_array();
            for (size_t i = 0; i < index->source_names().size(); ++i) {
                if ((l.sources >> i & 1) != 0) w.value(index->source_names()[i]);
            }
            w.end_array();
            w.field("cache_duration", seconds(options.positive_cache_s));
            w.end_object();
        }
    }
    w.end_array();
    w.field("negative_cache_duration", seconds(options.negative_cache_s));
    w.end_object();
    return json_response(std::move(out));
}

void add_intel_routes(Router& router, const intel::IntelState& state, IntelRoutesOptions options) {
    router.add(Method::kGet, "/api/v1/intel/stats", "/api/v1/intel/stats", [&state](const HttpRequest&) {
        return json_response(intel_stats_json(state.stats()));
    });
    router.add(Method::kGet, "/api/v1/hashes/list", "/api/v1/hashes/list",
               [&state, options](const HttpRequest& req) { return hashes_list_response(state, req.query, options); });
    router.add(Method::kPost, "/api/v1/hashes/find", "/api/v1/hashes/find",
               [&state, options](const HttpRequest& req) { return hashes_find_response(state, req, options); });
}

}  // namespace vigil::api
