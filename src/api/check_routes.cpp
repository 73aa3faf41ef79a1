#include "vigil/api/check_routes.hpp"

#include <boost/json.hpp>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;

HttpResponse bad_request(std::string_view detail) {
    return problem(400, "invalid-request", "Invalid request", detail);
}

// Parses the body as one JSON object into `out`'s storage; on failure fills `error` with the problem
// response.
bool parse_json_object(const HttpRequest& req, json::value& out, HttpResponse& error) {
    if (req.content_type != "application/json") {
        error = problem(415, "unsupported-media-type", "Unsupported media type",
                        "send the body as application/json");
        return false;
    }
    json::parse_options opts;
    opts.max_depth = 8;
    json::error_code ec;
    out = json::parse(req.body, ec, out.storage(), opts);
    if (ec) {
        error = bad_request("body is not valid JSON: " + ec.message());
        return false;
    }
    if (!out.is_object()) {
        error = bad_request("body must be a JSON object");
        return false;
    }
    return true;
}

// Rejects keys other than `allowed`; returns the unknown key or empty.
std::string_view unknown_key(const json::object& obj, std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : obj) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) return kv.key();
    }
    return {};
}

// Validates a URL string field; empty result means valid.
std::string validate_url(const json::value* v, size_t max_bytes, std::string_view field) {
    if (v == nullptr) return std::string("missing required field '") + std::string(field) + "'";
    if (!v->is_string()) return std::string("field '") + std::string(field) + "' must be a string";
    const auto& s = v->get_string();
    if (s.empty()) return std::string("field '") + std::string(field) + "' must not be empty";
    if (s.size() > max_bytes) {
        return std::string("field '") + std::string(field) + "' is longer than " + std::to_string(max_bytes) +
               " bytes";
    }
    return {};
}

// Optional "explain": "exact" | "auto".
bool read_explain(const json::object& obj, bool& force_exact, HttpResponse& error) {
    force_exact = false;
    const json::value* e = obj.if_contains("explain");
    if (e == nullptr) return true;
    if (!e->is_string() || (e->get_string() != "exact" && e->get_string() != "auto")) {
        error = bad_request("field 'explain' must be \"exact\" or \"auto\"");
        return false;
    }
    force_exact = e->get_string() == "exact";
    return true;
}

HttpResponse json_response(std::string body) {
    HttpResponse r;
    r.body = std::move(body);
    return r;
}

}  // namespace

void add_check_routes(Router& router, UrlChecker& checker, CheckRoutesOptions options, VerdictObserver observer) {
    router.add(Method::kPost, "/api/v1/check", "/api/v1/check", [&checker, options, observer](const HttpRequest& req) {
        // A one-URL body fits on the stack: parsing it then allocates nothing.
        unsigned char scratch[4096];
        json::monotonic_resource arena(scratch, sizeof scratch);
        const json::storage_ptr storage(&arena);
        json::value body(storage);
        HttpResponse error;
        if (!parse_json_object(req, body, error)) return error;
        const auto& obj = body.get_object();
        if (auto k = unknown_key(obj, {"url", "explain"}); !k.empty()) {
            return bad_request("unknown field '" + std::string(k) + "'");
        }
        if (auto msg = validate_url(obj.if_contains("url"), options.max_url_bytes, "url"); !msg.empty()) {
            return msg.find("longer") != std::string::npos ? problem(413, "url-too-long", "URL too long", msg)
                                                           : bad_request(msg);
        }
        bool exact = false;
        if (!read_explain(obj, exact, error)) return error;
        const auto& url = obj.at("url").get_string();
        auto verdict = checker.check(std::string_view(url.data(), url.size()), exact);
        if (!verdict) return problem(400, "invalid-url", "Invalid URL", verdict.error().message);
        if (observer) observer(*verdict);
        std::string out;  // append_verdict_json sizes it once
        append_verdict_json(out, std::string_view(url.data(), url.size()), *verdict);
        return json_response(std::move(out));
    });

    router.add(Method::kPost, "/api/v1/check/batch", "/api/v1/check/batch",
               [&checker, options, observer](const HttpRequest& req) {
                   json::value body;
                   HttpResponse error;
                   if (!parse_json_object(req, body, error)) return error;
                   const auto& obj = body.get_object();
                   if (auto k = unknown_key(obj, {"urls", "explain"}); !k.empty()) {
                       return bad_request("unknown field '" + std::string(k) + "'");
                   }
                   const json::value* urls = obj.if_contains("urls");
                   if (urls == nullptr) return bad_request("missing required field 'urls'");
                   if (!urls->is_array()) return bad_request("field 'urls' must be an array of strings");
                   const auto& arr = urls->get_array();
                   if (arr.empty()) return bad_request("field 'urls' must not be empty");
                   if (arr.size() > options.max_batch) {
                       return problem(413, "batch-too-large", "Batch too large",
                                      "at most " + std::to_string(options.max_batch) + " URLs per batch, got " +
                                          std::to_string(arr.size()));
                   }
                   // Structure errors reject the whole batch; an unparseable URL only its own entry.
                   for (size_t i = 0; i < arr.size(); ++i) {
                       if (!arr[i].is_string()) {
                           return bad_request("urls[" + std::to_string(i) + "] must be a string");
                       }
                   }
                   bool exact = false;
                   if (!read_explain(obj, exact, error)) return error;
                   std::string out;
                   out.reserve(arr.size() * 700 + 16);
                   out += "{\"results\":[";
                   for (size_t i = 0; i < arr.size(); ++i) {
                       if (i > 0) out.push_back(',');
                       const auto& s = arr[i].get_string();
                       std::string_view url(s.data(), s.size());
                       std::string msg = validate_url(&arr[i], options.max_url_bytes, "urls[" + std::to_string(i) + "]");
                       if (msg.empty()) {
                           auto verdict = checker.check(url, exact);
                           if (verdict) {
                               if (observer) observer(*verdict);
                               append_verdict_json(out, std::string_view(url.data(), url.size()), *verdict);
                               continue;
                           }
                           msg = verdict.error().message;
                       }
                       JsonWriter w(out);
                       w.begin_object().field("url", url).key("error").begin_object();
                       w.field("status", 400).field("title", "Invalid URL").field("detail", msg);
                       w.end_object().end_object();
                   }
                   out += "]}";
                   return json_response(std::move(out));
               });
}

}  // namespace vigil::api
