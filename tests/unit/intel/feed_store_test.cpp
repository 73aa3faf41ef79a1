#include <gtest/gtest.h>

#include "../store/temp_dir.hpp"
#include "vigil/intel/feed_refresh.hpp"
#include "vigil/intel/feed_store.hpp"

namespace vigil::intel {
namespace {

using store::testing::TempDir;

TEST(FeedStore, ImportsKeepFirstSeenAndRemoveDroppedEntries) {
    TempDir dir;
    auto db = store::Database::open(dir.path() / "v.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    const FeedSpec spec{"mine", FeedFormat::kPlain, "inline"};
    IntelState state;
    auto first = apply_feed_text(spec, "http://a.example/\nhttp://b.example/\n", state, &*db, 1000);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->added, 2u);

    // A second process: loads what the first stored, then imports a newer snapshot.
    IntelState again;
    ASSERT_TRUE(load_stored_feeds(*db, again).ok());
    EXPECT_EQ(again.snapshot()->size(), 2u);
    ASSERT_EQ(again.stats().sources.size(), 1u);
    EXPECT_EQ(again.stats().sources[0].last_refresh.time_ms, 1000);  // as stored by the first import
    EXPECT_TRUE(again.stats().sources[0].last_refresh.ok);
    auto second = apply_feed_text(spec, "http://b.example/\nhttp://c.example/\n", again, &*db, 2000);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->added, 1u);
    EXPECT_EQ(second->removed, 1u);

    auto stored = load_stored_sources(*db);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    ASSERT_EQ(stored->size(), 1u);
    const StoredSource& s = (*stored)[0];
    EXPECT_EQ(s.name, "mine");
    EXPECT_EQ(s.format, "plain");
    ASSERT_EQ(s.entries.size(), 2u);
    for (const FeedEntry& e : s.entries) {
        EXPECT_NE(e.expression, "a.example/");
        EXPECT_EQ(e.first_seen_ms, e.expression == "b.example/" ? 1000 : 2000) << e.expression;
        EXPECT_EQ(e.last_seen_ms, 2000);
        EXPECT_EQ(e.hash, url::sha256(e.expression));
    }
}

TEST(FeedStore, EmptyDownloadDoesNotWipeASource) {
    TempDir dir;
    auto db = store::Database::open(dir.path() / "v.db");
    ASSERT_TRUE(db.ok());
    IntelState state;
    const FeedSpec spec{"f", FeedFormat::kPlain, "inline"};
    ASSERT_TRUE(apply_feed_text(spec, "http://a.example/\n", state, &*db, 1).ok());
    EXPECT_FALSE(apply_feed_text(spec, "<html>error page</html> with spaces\n", state, &*db, 2).ok());
    EXPECT_EQ(state.snapshot()->size(), 1u);
    auto stored = load_stored_sources(*db);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ((*stored)[0].entries.size(), 1u);
}

}  // namespace
}  // namespace vigil::intel
