// Fuzz target: the domain report (GET /api/v1/domain/{name}), lookalike checks and permutation
// generation must never crash on any bytes, and keep their invariants. Built as a libFuzzer
// target (clang, -DVIGIL_FUZZ=ON) or linked with replay_main.cpp, which replays corpus/domain/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "vigil/domain/domain_report.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/permutations.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
    std::fprintf(stderr, "invariant violated: %s (input of %zu bytes)\n", what, input.size());
    std::abort();
}

struct Context {
    vigil::domain::PublicSuffixList psl;
    vigil::domain::BrandList brands;
    vigil::domain::LookalikeDetector detector;
};

const Context& context() {
    static const Context* ctx = [] {
        auto psl = vigil::domain::PublicSuffixList::load_default();
        if (!psl.ok()) std::abort();
        auto* c = new Context{std::move(psl.value()), {}, {}};
        // A small fixed list keeps the target independent of ../shared/data.
        c->brands = vigil::domain::BrandList::from_domains(
            {"google.com", "paypal.com", "apple.com", "ebay.com", "microsoft.com", "amazon.co.uk", "wellsfargo.com",
             "americanexpress.com"},
            c->psl);
        c->detector = vigil::domain::LookalikeDetector::build(c->brands, c->psl);
        return c;
    }();
    return *ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Context& ctx = context();

    auto report = vigil::domain::make_domain_report(input, ctx.psl, ctx.detector);
    if (report.ok()) {
        const auto& r = report.value();
        if (r.ascii.empty() || r.ascii.size() > vigil::domain::kMaxDomainNameBytes) fail("report: bad length", input);
        if (r.is_protected && r.lookalike) fail("report: protected domain flagged as lookalike", input);
        if (r.lookalike && !ctx.detector.is_protected(r.lookalike.lookalike_of)) {
            fail("report: lookalike_of is not a protected domain", input);
        }
        if (!r.registrable_domain.empty() && r.ascii.size() < r.registrable_domain.size()) {
            fail("report: registrable domain longer than the name", input);
        }
    } else if (report.error().message.empty()) {
        fail("report: error without a message", input);
    }
    // The raw bytes straight into the detector (callers normally validate first).
    const auto m = ctx.detector.check(input);
    if (m && !ctx.detector.is_protected(m.lookalike_of)) fail("check: lookalike_of is not protected", input);
    (void)ctx.detector.nearest_other(input);

    if (size <= 64) {
        auto perms = vigil::domain::permute(input, ctx.psl);
        if (perms.ok()) {
            for (const auto& p : perms.value()) {
                if (p.domain.empty()) fail("permute: empty permutation", input);
            }
        }
    }
    return 0;
}
