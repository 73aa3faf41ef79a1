// Fuzz target: the feed parsers (first byte picks the format), entry building, the hash-prefix decoders
// and the list-update parser must never crash and must keep their invariants. Built as a libFuzzer target
// (clang, -DVIGIL_FUZZ=ON) or linked with replay_main.cpp, which replays corpus/feed/ in CTest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "vigil/intel/feed_parser.hpp"
#include "vigil/intel/hash_list.hpp"
#include "vigil/intel/hash_list_client.hpp"
#include "vigil/intel/threat_index.hpp"

namespace {

[[noreturn]] void fail(const char* what, size_t size) {
    std::fprintf(stderr, "invariant violated: %s (input of %zu bytes)\n", what, size);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace vigil::intel;
    if (size == 0) return 0;
    const auto format = static_cast<FeedFormat>(data[0] % 4);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    auto feed = parse_feed(text, format);
    if (feed.ok()) {
        if (feed->items.size() > feed->records * 2) fail("more items than records allow", size);
        if (feed->malformed + feed->skipped > feed->records) fail("counts exceed records", size);
        for (const auto& item : feed->items) {
            if (item.url.empty()) fail("empty URL item", size);
        }
        const EntryBuild built = build_entries(feed->items, 1);
        if (built.entries.size() + built.invalid_urls + built.duplicates != feed->items.size()) {
            fail("entry accounting", size);
        }
        for (const auto& e : built.entries) {
            if (e.hash != vigil::url::sha256(e.expression)) fail("hash is not the expression's", size);
        }
    } else if (feed.error().message.empty()) {
        fail("error without a message", size);
    }

    for (auto enc : {PrefixEncoding::kAuto, PrefixEncoding::kHex, PrefixEncoding::kBase64}) {
        auto p = decode_hash_prefix(text, enc);
        if (p.ok() && (p->size() < 4 || p->size() > 32)) fail("prefix length out of range", size);
    }
    if (auto b = base64_decode(text); b.ok()) {
        auto again = base64_decode(base64_encode(*b));
        if (!again.ok() || *again != *b) fail("base64 round trip", size);
    }
    (void)parse_state_token(text);
    (void)parse_list_update(text);
    return 0;
}
