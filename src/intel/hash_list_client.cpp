#include "vigil/intel/hash_list_client.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

namespace vigil::intel {
namespace {

namespace json = boost::json;

Error format_error(std::string_view what) { return make_error(ErrorCode::kFormat, "server answer: " + std::string(what)); }

const json::value* member(const json::value& v, std::string_view key) {
    return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

}  // namespace

Result<ListUpdate> parse_list_update(std::string_view text) {
    json::error_code ec;
    const json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) return format_error("not a JSON object");
    ListUpdate u;
    const auto* type = member(doc, "response_type");
    if (type == nullptr || !type->is_string()) return format_error("no response_type");
    u.full = type->get_string() == "FULL_UPDATE";
    const auto* size = member(doc, "prefix_size");
    if (size == nullptr || !size->is_int64() || size->get_int64() != static_cast<int64_t>(kPrefixBytes)) {
        return format_error("prefix_size is not 4");
    }
    const auto* additions = member(doc, "additions");
    const auto* raw = additions == nullptr ? nullptr : member(*additions, "raw_hashes");
    if (raw == nullptr || !raw->is_string()) return format_error("no additions.raw_hashes");
    auto bytes = base64_decode(std::string_view(raw->get_string().data(), raw->get_string().size()));
    if (!bytes) return format_error("additions are not base64");
    auto adds = unpack_prefixes(*bytes);
    if (!adds) return format_error(adds.error().message);
    u.additions = std::move(*adds);
    const auto* removals = member(doc, "removals");
    const auto* indices = removals == nullptr ? nullptr : member(*removals, "raw_indices");
    if (indices == nullptr || !indices->is_array()) return format_error("no removals.raw_indices");
    for (const auto& i : indices->get_array()) {
        if (!i.is_int64() || i.get_int64() < 0 || i.get_int64() > UINT32_MAX) return format_error("bad removal index");
        u.removal_indices.push_back(static_cast<uint32_t>(i.get_int64()));
    }
    if (!std::is_sorted(u.removal_indices.begin(), u.removal_indices.end())) return format_error("unsorted removals");
    const auto* state = member(doc, "new_state");
    if (state == nullptr || !state->is_string()) return format_error("no new_state");
    u.new_state = std::string(state->get_string());
    const auto* checksum = member(doc, "checksum");
    const auto* sha = checksum == nullptr ? nullptr : member(*checksum, "sha256");
    if (sha == nullptr || !sha->is_string()) return format_error("no checksum.sha256");
    auto digest = base64_decode(std::string_view(sha->get_string().data(), sha->get_string().size()));
    if (!digest || digest->size() != 32) return format_error("checksum is not a base64 SHA-256");
    std::copy(digest->begin(), digest->end(), u.checksum.begin());
    return u;
}

HashListClient::HashListClient(std::string server, HttpClientOptions http) : server_(std::move(server)), http_(http) {
    while (!server_.empty() && server_.back() == '/') server_.pop_back();
}

Status HashListClient::load_state(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return Status::success();  // no state yet: the first update is a full one
    std::string magic, token, b64;
    std::getline(in, magic);
    std::getline(in, token);
    std::getline(in, b64);
    if (magic != "vigil-prefixes 1") return make_error(ErrorCode::kFormat, path.string() + " is not a prefix state file");
    auto raw = base64_decode(b64);
    if (!raw) return make_error(ErrorCode::kFormat, path.string() + ": " + raw.error().message);
    auto prefixes = unpack_prefixes(*raw);
    if (!prefixes) return make_error(ErrorCode::kFormat, path.string() + ": " + prefixes.error().message);
    state_ = token;
    prefixes_ = std::move(*prefixes);
    return Status::success();
}

Status HashListClient::save_state(const std::filesystem::path& path) const {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "vigil-prefixes 1\n" << state_ << "\n" << base64_encode(pack_prefixes(prefixes_)) << "\n";
        if (!out) return make_error(ErrorCode::kIo, "cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return make_error(ErrorCode::kIo, "cannot replace " + path.string() + ": " + ec.message());
    return Status::success();
}

Result<ListUpdate> HashListClient::fetch(const std::string& state) {
    std::string url = server_ + "/api/v1/hashes/list";
    if (!state.empty()) url += "?state=" + state;  // tokens are [0-9a-f-]: nothing to escape
    auto reply = http_request("GET", url, {}, {}, http_);
    if (!reply) return reply.error();
    if (reply->status != 200) {
        return make_error(ErrorCode::kIo, "GET /api/v1/hashes/list answered " + std::to_string(reply->status) + ": " +
                                              reply->body.substr(0, 200));
    }
    return parse_list_update(reply->body);
}

Result<UpdateSummary> HashListClient::update() {
    UpdateSummary summary;
    auto u = fetch(state_);
    if (!u) return u.error();
    auto applied = apply_update(prefixes_, *u);
    if (!applied) {
        // A diff that does not verify: start again from a full list.
        summary.retried_full = true;
        u = fetch("");
        if (!u) return u.error();
        applied = apply_update({}, *u);
        if (!applied) return applied.error();
    }
    summary.full = u->full;
    summary.additions = u->additions.size();
    summary.removals = u->removal_indices.size();
    prefixes_ = std::move(*applied);
    state_ = u->new_state;
    summary.prefixes = prefixes_.size();
    return summary;
}

Result<LookupAnswer> HashListClient::lookup(std::string_view input) {
    auto canonical = url::canonicalize(input);
    if (!canonical) return canonical.error();
    LookupAnswer answer;
    const auto expressions = url::lookup_expressions(*canonical);
    std::vector<url::Sha256Digest> hashes;
    std::vector<std::string> hit_prefixes;
    std::vector<size_t> hit_expressions;
    for (size_t i = 0; i < expressions.size(); ++i) {
        hashes.push_back(url::sha256(expressions[i]));
        const uint32_t p = prefix32(hashes.back());
        if (std::binary_search(prefixes_.begin(), prefixes_.end(), p)) {
            hit_prefixes.push_back(url::to_hex(hashes.back().data(), kPrefixBytes));
            hit_expressions.push_back(i);
        }
    }
    answer.prefix_hits = hit_prefixes.size();
    if (hit_prefixes.empty()) return answer;  // the server is not asked: it learns nothing
    std::string body = "{\"encoding\":\"hex\",\"prefixes\":[";
    for (size_t i = 0; i < hit_prefixes.size(); ++i) body += (i > 0 ? ",\"" : "\"") + hit_prefixes[i] + "\"";
    body += "]}";
    answer.asked_server = true;
    auto reply = http_request("POST", server_ + "/api/v1/hashes/find", body, "application/json", http_);
    if (!reply) return reply.error();
    if (reply->status != 200) {
        return make_error(ErrorCode::kIo, "POST /api/v1/hashes/find answered " + std::to_string(reply->status));
    }
    json::error_code ec;
    const json::value doc = json::parse(reply->body, ec);
    const auto* matches = ec ? nullptr : member(doc, "matches");
    if (matches == nullptr || !matches->is_array()) return format_error("no matches array");
    for (const auto& m : matches->get_array()) {
        const auto* h = member(m, "hash");
        if (h == nullptr || !h->is_string()) return format_error("match without hash");
        auto full = base64_decode(std::string_view(h->get_string().data(), h->get_string().size()));
        if (!full || full->size() != 32) return format_error("match hash is not a base64 SHA-256");
        for (size_t i : hit_expressions) {
            if (std::equal(full->begin(), full->end(), reinterpret_cast<const char*>(hashes[i].data()))) {
                answer.listed = true;
                if (answer.matched_expression.empty()) answer.matched_expression = expressions[i];
                if (const auto* t = member(m, "threat_type"); t != nullptr && t->is_string()) {
                    answer.threat_type = std::string(t->get_string());
                }
                if (const auto* s = member(m, "sources"); s != nullptr && s->is_array()) {
                    for (const auto& name : s->get_array()) {
                        if (!name.is_string()) continue;
                        std::string n(name.get_string());
                        if (std::find(answer.sources.begin(), answer.sources.end(), n) == answer.sources.end()) {
                            answer.sources.push_back(std::move(n));
                        }
                    }
                }
            }
        }
    }
    return answer;
}

}  // namespace vigil::intel
