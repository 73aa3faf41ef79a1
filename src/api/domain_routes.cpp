#include "vigil/api/domain_routes.hpp"

#include "vigil/core/hex.hpp"

#include <chrono>
#include <string>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/domain/domain_report.hpp"

namespace vigil::api {
namespace {

constexpr std::string_view kPrefix = "/api/v1/domain/";
// Encoded names may take three bytes per byte of a Unicode name (itself up to four per
// character of the ASCII budget): anything longer is rejected before decoding.
constexpr size_t kMaxEncodedName = 3 * 4 * domain::kMaxDomainNameBytes;

// Percent-decodes a path segment; false on a malformed escape, an encoded NUL or a '/'.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '/') return false;
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = hex_digit_value(in[i + 1]), lo = hex_digit_value(in[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

HttpResponse invalid_name(std::string_view detail) {
    return problem(400, "invalid-domain", "Invalid domain name", detail);
}

void write_report(std::string& out, const domain::DomainReport& r, int64_t took_us) {
    JsonWriter w(out);
    w.begin_object();
    w.field("domain", r.ascii);
    w.field("unicode", r.unicode);
    w.field("punycode", r.has_punycode);
    w.key("registrable_domain");
    if (r.registrable_domain.empty()) {
        w.null();
    } else {
        w.value(r.registrable_domain);
    }
    w.field("public_suffix", r.public_suffix);
    w.field("protected", r.is_protected);
    w.key("protected_rank");
    if (r.protected_rank == 0) {
        w.null();
    } else {
        w.value(static_cast<uint64_t>(r.protected_rank));
    }
    const auto& m = r.lookalike;
    w.key("lookalike_of");
    if (m) {
        w.value(m.lookalike_of);
    } else {
        w.null();
    }
    w.key("technique");
    if (m) {
        w.value(domain::to_string(m.technique));
    } else {
        w.null();
    }
    w.key("distance");
    if (m) {
        w.value(static_cast<uint64_t>(m.distance));
    } else {
        w.null();
    }
    w.key("lookalike_rank");
    if (m) {
        w.value(static_cast<uint64_t>(m.rank));
    } else {
        w.null();
    }
    w.field("took_us", took_us);
    w.end_object();
}

}  // namespace

void add_domain_routes(Router& router, const domain::PublicSuffixList& psl,
                       std::shared_ptr<const domain::LookalikeDetector> detector) {
    // The prefix route needs a non-empty rest; an empty name is a validation error, not a 404.
    router.add(Method::kGet, std::string(kPrefix), "/api/v1/domain/{name}",
               [](const HttpRequest&) { return invalid_name("domain name is empty"); });
    router.add(Method::kGet, std::string(kPrefix) + "*", "/api/v1/domain/{name}",
               [&psl, detector = std::move(detector)](const HttpRequest& req) {
                   const auto start = std::chrono::steady_clock::now();
                   std::string_view encoded = req.path.substr(std::min(req.path.size(), kPrefix.size()));
                   if (encoded.empty()) return invalid_name("domain name is empty");
                   if (encoded.size() > kMaxEncodedName) {
                       return invalid_name("domain name is longer than " +
                                           std::to_string(domain::kMaxDomainNameBytes) + " bytes");
                   }
                   std::string name;
                   if (!percent_decode(encoded, name)) {
                       return invalid_name("domain name must be one path segment with valid percent-escapes");
                   }
                   auto report = domain::make_domain_report(name, psl, *detector);
                   if (!report.ok()) return invalid_name(report.error().message);
                   HttpResponse res;
                   const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count();
                   write_report(res.body, report.value(), took);
                   return res;
               });
}

}  // namespace vigil::api
