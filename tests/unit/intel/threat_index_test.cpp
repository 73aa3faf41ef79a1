#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "vigil/intel/intel_state.hpp"
#include "vigil/intel/threat_index.hpp"

namespace vigil::intel {
namespace {

std::vector<url::Sha256Digest> hashes_of(std::string_view u) {
    auto c = url::canonicalize(u);
    EXPECT_TRUE(c.ok()) << u;
    std::vector<url::Sha256Digest> out;
    for (const auto& e : url::lookup_expressions(*c)) out.push_back(url::sha256(e));
    return out;
}

std::vector<FeedEntry> entries(std::vector<std::string> urls, int64_t now = 1000) {
    std::vector<FeedItem> items;
    for (auto& u : urls) items.push_back(FeedItem{std::move(u), ThreatType::kPhishing});
    return build_entries(items, now).entries;
}

std::shared_ptr<const ThreatIndex> index_of(const std::vector<FeedEntry>& e, std::string name = "test") {
    const ThreatIndex::SourceEntries parts[] = {{std::move(name), e}};
    return ThreatIndex::build(parts, 1);
}

TEST(ListedExpression, IsTheCanonicalUrlWithoutScheme) {
    EXPECT_EQ(*listed_expression("http://Evil.Example/login/"), "evil.example/login/");
    EXPECT_EQ(*listed_expression("https://exhub.org/?"), "exhub.org/");
    EXPECT_EQ(*listed_expression("evil.example"), "evil.example/");
    EXPECT_EQ(*listed_expression("http://a.b/c?d=1#frag"), "a.b/c?d=1");
    EXPECT_FALSE(listed_expression("").ok());
    EXPECT_FALSE(listed_expression("mailto:x@y").ok());
}

TEST(ThreatIndex, DirectoryEntryMatchesDeeperUrls) {
    const auto idx = index_of(entries({"http://evil.example/login/"}));
    EXPECT_NE(idx->match(hashes_of("http://evil.example/login/x.php?session=1")), 0u);
    EXPECT_NE(idx->match(hashes_of("https://www.evil.example/login/")), 0u);  // host suffix
    EXPECT_NE(idx->match(hashes_of("http://EVIL.example:80/login/a/b")), 0u);
    EXPECT_EQ(idx->match(hashes_of("http://evil.example/")), 0u);        // the parent is not listed
    EXPECT_EQ(idx->match(hashes_of("http://evil.example/logout/")), 0u);
    EXPECT_EQ(idx->match(hashes_of("http://notevil.example/login/")), 0u);
}

std::vector<uint64_t> keys_of(std::string_view u) {
    auto c = url::canonicalize(u);
    EXPECT_TRUE(c.ok()) << u;
    std::vector<uint64_t> out;
    for (const auto& e : url::lookup_expressions(*c)) out.push_back(expression_key(e));
    return out;
}

TEST(ThreatIndex, ExpressionKeysPrefilterAgreesWithFullHashes) {
    const auto idx = index_of(entries({"http://evil.example/login/", "http://a.example/p/x.php?id=1"}));
    ASSERT_TRUE(idx->keys_complete());
    for (const char* u : {"http://evil.example/login/x.php?session=1", "https://www.evil.example/login/",
                          "http://a.example/p/x.php?id=1", "http://evil.example/", "http://evil.example/logout/",
                          "http://notevil.example/login/", "http://a.example/p/x.php?id=2", "https://github.com/"}) {
        // A key miss must be exact; a key hit here is a true hit (no collisions among these few).
        EXPECT_EQ(idx->may_match(keys_of(u)), idx->match(hashes_of(u)) != 0) << u;
    }
    EXPECT_FALSE(idx->may_match({}));
    EXPECT_FALSE(index_of({})->may_match(keys_of("http://evil.example/login/")));
}

TEST(ThreatIndex, EntriesWithoutExpressionsDisableThePrefilter) {
    auto e = entries({"http://evil.example/login/"});
    e.push_back(FeedEntry{url::sha256("hash-only.example/"), "", ThreatType::kPhishing, 1, 1});
    EXPECT_FALSE(index_of(e)->keys_complete());
}

TEST(ThreatIndex, ExactUrlEntryDoesNotCoverTheHost) {
    const auto idx = index_of(entries({"http://a.example/p/x.php?id=1"}));
    EXPECT_NE(idx->match(hashes_of("http://a.example/p/x.php?id=1")), 0u);
    EXPECT_EQ(idx->match(hashes_of("http://a.example/p/x.php?id=2")), 0u);
    EXPECT_EQ(idx->match(hashes_of("http://a.example/")), 0u);
}

TEST(ThreatIndex, MergesSourcesAndNamesThem) {
    const auto a = entries({"http://evil.example/", "http://only-a.example/"});
    const auto b = entries({"http://evil.example/"});
    const ThreatIndex::SourceEntries parts[] = {{"a", a}, {"b", b}};
    const auto idx = ThreatIndex::build(parts, 7);
    EXPECT_EQ(idx->size(), 2u);
    EXPECT_EQ(idx->version(), 7u);
    const uint64_t s = idx->match(hashes_of("http://evil.example/x"));
    EXPECT_EQ(source_list(*idx, s), "a,b");
    EXPECT_EQ(source_list(*idx, idx->match(hashes_of("http://only-a.example/"))), "a");
    EXPECT_EQ(idx->prefixes().size(), 2u);
    EXPECT_TRUE(std::is_sorted(idx->prefixes().begin(), idx->prefixes().end()));
}

TEST(ThreatIndex, PrefixSearch) {
    const auto e = entries({"http://evil.example/"});
    const auto idx = index_of(e);
    const url::Sha256Digest h = e[0].hash;
    EXPECT_EQ(idx->with_prefix(std::span<const uint8_t>(h.data(), 4)).size(), 1u);
    EXPECT_EQ(idx->with_prefix(std::span<const uint8_t>(h.data(), 32)).size(), 1u);
    url::Sha256Digest other = h;
    other[3] ^= 1;
    EXPECT_TRUE(idx->with_prefix(std::span<const uint8_t>(other.data(), 4)).empty());
    EXPECT_TRUE(idx->with_prefix({}).empty());
}

TEST(ThreatIndex, BuildEntriesCountsInvalidAndDuplicates) {
    const auto b = build_entries({{"http://a.example/", ThreatType::kPhishing},
                                  {"HTTP://A.EXAMPLE", ThreatType::kPhishing},
                                  {"", ThreatType::kPhishing},
                                  {"mailto:x@y.example", ThreatType::kPhishing}},
                                 5);
    EXPECT_EQ(b.entries.size(), 1u);
    EXPECT_EQ(b.duplicates, 1u);
    EXPECT_EQ(b.invalid_urls, 2u);
    EXPECT_EQ(b.entries[0].first_seen_ms, 5);
}

TEST(IntelState, RefreshRemovesDroppedEntriesAndKeepsFirstSeen) {
    IntelState state;
    EXPECT_TRUE(state.snapshot()->empty());
    RefreshStatus st;
    st.time_ms = 1000;
    state.replace_source("feed", "plain", "x", entries({"http://a.example/", "http://b.example/"}, 1000), st);
    const auto v1 = state.snapshot();
    EXPECT_EQ(v1->size(), 2u);
    st.time_ms = 2000;
    auto merged = state.replace_source("feed", "plain", "x", entries({"http://b.example/", "http://c.example/"}, 2000), st);
    const auto v2 = state.snapshot();
    EXPECT_EQ(v2->size(), 2u);
    EXPECT_GT(v2->version(), v1->version());
    EXPECT_EQ(v2->match(hashes_of("http://a.example/")), 0u);  // dropped by the feed
    EXPECT_NE(v2->match(hashes_of("http://c.example/")), 0u);
    EXPECT_NE(v1->match(hashes_of("http://a.example/")), 0u);  // an old snapshot stays valid
    for (const auto& e : merged) {
        EXPECT_EQ(e.first_seen_ms, e.expression == "b.example/" ? 1000 : 2000) << e.expression;
        EXPECT_EQ(e.last_seen_ms, 2000);
    }
    const auto stats = state.stats();
    ASSERT_EQ(stats.sources.size(), 1u);
    EXPECT_EQ(stats.sources[0].last_refresh.added, 1u);
    EXPECT_EQ(stats.sources[0].last_refresh.removed, 1u);
    EXPECT_EQ(state.find_version(v1->version()), v1);
    state.record_failure("feed", 3000, "boom");
    EXPECT_FALSE(state.stats().sources[0].last_refresh.ok);
    EXPECT_EQ(state.snapshot()->size(), 2u);  // a failure keeps the entries
}

TEST(IntelState, HistoryIsBounded) {
    IntelState state(3);
    for (int i = 0; i < 10; ++i) state.load_source("s", entries({"http://x" + std::to_string(i) + ".example/"}));
    EXPECT_EQ(state.find_version(1), nullptr);
    EXPECT_NE(state.find_version(state.snapshot()->version()), nullptr);
}

TEST(IntelState, ReadersNeverSeeATornIndexDuringSwaps) {
    IntelState state;
    const auto a = entries({"http://a.example/", "http://shared.example/"});
    const auto b = entries({"http://b.example/", "http://shared.example/"});
    const auto shared = hashes_of("http://shared.example/page");
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> reads{0}, misses{0};
    std::vector<std::thread> readers;
    state.load_source("s", a);
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                const auto idx = state.snapshot();
                // Every published index lists shared.example and exactly two entries.
                if (idx->size() != 2 || idx->match(shared) == 0) misses.fetch_add(1);
                reads.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    while (reads.load() == 0) std::this_thread::yield();  // readers are running before the swaps start
    for (int i = 0; i < 300; ++i) state.load_source("s", i % 2 == 0 ? b : a);
    stop = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(misses.load(), 0u);
    EXPECT_GT(reads.load(), 0u);
}

}  // namespace
}  // namespace vigil::intel
