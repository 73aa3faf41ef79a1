// Fuzz target: url::parse, url::canonicalize, lookup expressions and feature extraction must
// never crash, whatever the bytes, and must keep their invariants. Built as a libFuzzer target
// (clang, -DVIGIL_FUZZ=ON) or linked with replay_main.cpp, which replays corpus/url/ in CTest.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "../support/boost_url_oracle.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/url/url.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
    std::fprintf(stderr, "invariant violated: %s (input of %zu bytes)\n", what, input.size());
    std::abort();
}

struct Context {
    vigil::domain::PublicSuffixList psl;
    vigil::domain::BrandList brands;
    // Built once: the extractor indexes the brands for lookalike features.
    std::unique_ptr<vigil::features::UrlFeatureExtractor> extractor;
};

const Context& context() {
    static const Context* ctx = [] {
        auto psl = vigil::domain::PublicSuffixList::load_default();
        if (!psl.ok()) std::abort();
        // A small fixed brand list keeps the target independent of ../shared/data.
        auto brands = vigil::domain::BrandList::from_domains(
            {"google.com", "paypal.com", "apple.com", "ebay.com", "microsoft.com", "amazon.co.uk"}, psl.value());
        auto* c = new Context{std::move(psl.value()), std::move(brands), nullptr};
        c->extractor = std::make_unique<vigil::features::UrlFeatureExtractor>(c->psl, c->brands);
        return c;
    }();
    return *ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Context& ctx = context();

    auto parsed = vigil::url::parse(input);
    if (parsed.ok()) {
        const auto& u = parsed.value();
        if (u.host.empty()) fail("parse: empty host", input);
        if (u.path.empty() || u.path.front() != '/') fail("parse: path must start with '/'", input);
        // Each part is valid RFC 3986 by construction: Boost.URL must agree on the split.
        if (!vigil::url::testing::boost_url_disagreement(u).empty()) fail("parse: Boost.URL disagrees", input);
        // The parsed pieces re-parse to the same host (what the server logs must be stable).
        auto again = vigil::url::parse(u.scheme + "://" + u.host + u.path);
        if (!again.ok() || again->host != u.host) fail("parse: host not stable under re-parse", input);
        vigil::features::FeatureVector v{};
        ctx.extractor->extract(u, v);
        for (float x : v) {
            if (!std::isfinite(x) || x < 0.0f) fail("features: non-finite or negative value", input);
        }
    } else if (parsed.error().message.empty()) {
        fail("parse: error without a message", input);
    }

    auto canonical = vigil::url::canonicalize(input);
    if (canonical.ok()) {
        auto twice = vigil::url::canonicalize(canonical.value());
        if (!twice.ok() || twice.value() != canonical.value()) fail("canonicalize: not idempotent", input);
        const auto expressions = vigil::url::lookup_expressions(canonical.value());
        if (expressions.empty() || expressions.size() > 30) fail("lookup_expressions: count out of range", input);
    }
    return 0;
}
