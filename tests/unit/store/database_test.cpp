#include "vigil/store/database.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace vigil::store {
namespace {

using testing::TempDir;

UrlCheckRow make_row(int i) {
    UrlCheckRow r;
    r.ts_ms = 1'700'000'000'000 + i;
    r.canonical_url = "http://example" + std::to_string(i % 7) + ".com/path/" + std::to_string(i);
    r.registrable_domain = "example" + std::to_string(i % 7) + ".com";
    r.score = (i % 100) / 100.0;
    r.verdict = i % 2 == 0 ? "benign" : "phishing";
    r.severity = i % 2 == 0 ? "INFO" : "HIGH";
    r.model_version = "url-xgb-1";
    r.latency_us = 10 + i;
    return r;
}

// Makes inserting a url_checks row with canonical_url 'bad' fail, to test rollbacks.
bool add_reject_trigger(Database& db) {
    return db
        .exec("CREATE TRIGGER reject_bad BEFORE INSERT ON url_checks WHEN NEW.canonical_url = 'bad' "
              "BEGIN SELECT RAISE(ABORT, 'rejected by test trigger'); END")
        .ok();
}

int64_t scalar(Database& db, const std::string& sql) {
    auto stmt = db.prepare(sql);
    EXPECT_TRUE(stmt.ok()) << (stmt.ok() ? "" : stmt.error().message);
    if (!stmt.ok()) return -1;
    auto row = stmt->step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->column_int64(0);
}

TEST(Database, OpenCreatesParentDirectoriesAndUsesWal) {
    TempDir dir;
    const auto path = dir.path() / "a" / "b" / "vigil.db";
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(std::filesystem::exists(path));
    auto mode = db->journal_mode();
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ(*mode, "wal");
    EXPECT_EQ(scalar(*db, "PRAGMA synchronous"), 1);  // NORMAL
    EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
    auto version = db->schema_version();
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, Database::latest_schema_version());
}

TEST(Database, CreatesEveryDesignTableWithTsIndex) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    for (const char* table : {"url_checks", "traffic_records", "predictions", "threats", "model_versions",
                              "model_metrics", "api_keys", "feedback", "audit_log", "schema_migrations"}) {
        EXPECT_EQ(scalar(*db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") +
                                  table + "'"),
                  1)
            << table;
    }
    for (const char* index : {"idx_url_checks_ts_stats", "idx_traffic_records_ts", "idx_predictions_ts", "idx_threats_ts",
                              "idx_audit_log_ts", "idx_feedback_ts"}) {
        EXPECT_EQ(scalar(*db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='") +
                                  index + "'"),
                  1)
            << index;
    }
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM pragma_table_info('api_keys') WHERE name='key_hash'"), 1);
    // Migration 4 removed it: random-order index writes on every stored check. Migration 5 folded the two
    // time indexes into one covering index.
    for (const char* gone : {"idx_url_checks_domain_ts", "idx_url_checks_verdict_ts", "idx_url_checks_ts"}) {
        EXPECT_EQ(scalar(*db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE name='") + gone + "'"), 0)
            << gone;
    }
}

// Every statistics query reads the covering index alone (no lookup of the table row per counted check).
TEST(Database, StatisticsQueriesAreCoveredByTheTimeIndex) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    for (const char* query :
         {"SELECT COUNT(*), COALESCE(AVG(latency_us), 0) FROM url_checks WHERE ts_ms >= 5",
          "SELECT verdict, COUNT(*) FROM url_checks WHERE ts_ms >= 5 GROUP BY verdict ORDER BY verdict",
          "SELECT severity, COUNT(*) FROM url_checks WHERE ts_ms >= 5 GROUP BY severity ORDER BY severity",
          "SELECT (ts_ms / 60000) * 60000 AS bucket, COUNT(*) FROM url_checks WHERE ts_ms >= 5 GROUP BY bucket "
          "ORDER BY bucket"}) {
        auto plan = db->prepare(std::string("EXPLAIN QUERY PLAN ") + query);
        ASSERT_TRUE(plan.ok()) << plan.error().message;
        std::string details;
        while (true) {
            auto row = plan->step();
            ASSERT_TRUE(row.ok());
            if (!*row) break;
            details += std::string(plan->column_text(3)) + "; ";
        }
        EXPECT_NE(details.find("COVERING INDEX idx_url_checks_ts_stats"), std::string::npos) << query << ": " << details;
    }
}

TEST(Database, MigrationsAreIdempotentAcrossReopen) {
    TempDir dir;
    const auto path = dir.path() / "vigil.db";
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok()) << db.error().message;
        std::vector<UrlCheckRow> rows{make_row(1), make_row(2)};
        ASSERT_TRUE(db->insert_url_checks(rows).ok());
    }
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(scalar(*db, "SELECT MAX(version) FROM schema_migrations"), Database::latest_schema_version());
    EXPECT_EQ(*db->schema_version(), Database::latest_schema_version());
    EXPECT_EQ(*db->count_url_checks(), 2);
}

TEST(Database, RefusesSchemaNewerThanBinary) {
    TempDir dir;
    const auto path = dir.path() / "vigil.db";
    const int future = Database::latest_schema_version() + 1;
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec("INSERT INTO schema_migrations(version, applied_at) VALUES (" + std::to_string(future) +
                             ", 0)")
                        .ok());
    }
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::kMismatch);
    EXPECT_NE(db.error().message.find("schema version " + std::to_string(future)), std::string::npos)
        << db.error().message;
    EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;

    auto ro = Database::open(path, OpenOptions{.read_only = true});
    ASSERT_FALSE(ro.ok());
    EXPECT_EQ(ro.error().code, ErrorCode::kMismatch);
}

TEST(Database, BatchInsertCountAndRecentNewestFirst) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok());
    std::vector<UrlCheckRow> rows;
    for (int i = 0; i < 1000; ++i) rows.push_back(make_row(i));
    ASSERT_TRUE(db->insert_url_checks(rows).ok());
    ASSERT_TRUE(db->insert_url_checks(std::span<const UrlCheckRow>(rows.data(), 10)).ok());  // statement reused
    EXPECT_EQ(*db->count_url_checks(), 1010);
    auto recent = db->recent_url_checks(3);
    ASSERT_TRUE(recent.ok()) << recent.error().message;
    ASSERT_EQ(recent->size(), 3u);
    EXPECT_EQ((*recent)[0], rows[999]);
    EXPECT_EQ((*recent)[1], rows[998]);
    EXPECT_EQ((*recent)[2], rows[997]);
    EXPECT_TRUE(db->insert_url_checks({}).ok());
    EXPECT_EQ(*db->count_url_checks(), 1010);
}

// Batches go through a multi-row INSERT in chunks and single rows for the rest: every size around the
// chunk boundaries must store every column of every row, in order.
TEST(Database, EveryBatchSizeStoresEveryRowInOrder) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok());
    std::vector<UrlCheckRow> all;
    for (size_t n : {1u, 2u, 31u, 32u, 33u, 64u, 65u, 100u}) {
        std::vector<UrlCheckRow> rows;
        for (size_t i = 0; i < n; ++i) {
            UrlCheckRow r = make_row(static_cast<int>(all.size() + i));
            r.score = 0.001 * static_cast<double>(all.size() + i);
            r.latency_us = static_cast<int64_t>(all.size() + i) * 7;
            rows.push_back(r);
        }
        ASSERT_TRUE(db->insert_url_checks(rows).ok()) << n;
        all.insert(all.end(), rows.begin(), rows.end());
    }
    auto stored = db->recent_url_checks(all.size() + 10);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    ASSERT_EQ(stored->size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ((*stored)[all.size() - 1 - i], all[i]) << i;
}

TEST(Database, FailedRowInsideAChunkRollsBackTheBatch) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(add_reject_trigger(*db));
    std::vector<UrlCheckRow> rows;
    for (int i = 0; i < 70; ++i) rows.push_back(make_row(i));
    rows[40].canonical_url = "bad";  // in the second chunk of 32
    EXPECT_FALSE(db->insert_url_checks(rows).ok());
    EXPECT_EQ(*db->count_url_checks(), 0);
    rows[40] = make_row(40);
    ASSERT_TRUE(db->insert_url_checks(rows).ok());
    EXPECT_EQ(*db->count_url_checks(), 70);
}

TEST(Database, UrlCheckStatsCountsSinceAndBuckets) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok());
    std::vector<UrlCheckRow> rows;
    auto add = [&](int64_t ts, const char* verdict, const char* severity, int64_t latency) {
        UrlCheckRow r = make_row(static_cast<int>(rows.size()));
        r.ts_ms = ts;
        r.verdict = verdict;
        r.severity = severity;
        r.latency_us = latency;
        rows.push_back(r);
    };
    add(500, "benign", "INFO", 1000);  // before since: excluded
    add(1000, "benign", "INFO", 10);
    add(1500, "phishing", "HIGH", 20);
    add(2100, "phishing", "HIGH", 30);
    add(2999, "suspicious", "MEDIUM", 40);
    ASSERT_TRUE(db->insert_url_checks(rows).ok());
    auto st = db->url_check_stats(1000, 1000);
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(st->total, 4);
    EXPECT_DOUBLE_EQ(st->mean_latency_us, 25.0);
    using Counts = std::vector<std::pair<std::string, int64_t>>;
    EXPECT_EQ(st->by_verdict, (Counts{{"benign", 1}, {"phishing", 2}, {"suspicious", 1}}));
    EXPECT_EQ(st->by_severity, (Counts{{"HIGH", 2}, {"INFO", 1}, {"MEDIUM", 1}}));
    EXPECT_EQ(st->by_time, (std::vector<std::pair<int64_t, int64_t>>{{1000, 2}, {2000, 2}}));
    auto empty = db->url_check_stats(10'000);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->total, 0);
    EXPECT_TRUE(empty->by_verdict.empty());
    EXPECT_FALSE(db->url_check_stats(0, 0).ok());
}

TEST(Database, FailedBatchRollsBackWholeTransaction) {
    TempDir dir;
    auto db = Database::open(dir.path() / "vigil.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(add_reject_trigger(*db));
    std::vector<UrlCheckRow> rows{make_row(1), make_row(2), make_row(3)};
    rows[2].canonical_url = "bad";
    Status s = db->insert_url_checks(rows);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("rejected by test trigger"), std::string::npos) << s.error().message;
    EXPECT_EQ(*db->count_url_checks(), 0);
    // The connection and the cached statement are usable afterwards.
    rows.pop_back();
    ASSERT_TRUE(db->insert_url_checks(rows).ok());
    EXPECT_EQ(*db->count_url_checks(), 2);
}

TEST(Database, ReadOnlyOpenSeesWritesFromAnotherConnection) {
    TempDir dir;
    const auto path = dir.path() / "vigil.db";
    auto writer = Database::open(path);
    ASSERT_TRUE(writer.ok());
    auto reader = Database::open(path, OpenOptions{.read_only = true});
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    std::vector<UrlCheckRow> rows{make_row(5)};
    ASSERT_TRUE(writer->insert_url_checks(rows).ok());
    EXPECT_EQ(*reader->count_url_checks(), 1);
    EXPECT_FALSE(reader->insert_url_checks(rows).ok());  // read-only really is read-only
}

TEST(Database, OpenErrorsAreValuesNotCrashes) {
    TempDir dir;
    auto missing = Database::open(dir.path() / "missing.db", OpenOptions{.read_only = true});
    EXPECT_FALSE(missing.ok());
    auto is_dir = Database::open(dir.path());  // a directory is not a database file
    ASSERT_FALSE(is_dir.ok());
    EXPECT_EQ(is_dir.error().code, ErrorCode::kIo);
    const auto file = dir.path() / "not-a-db";
    {
        std::FILE* f = std::fopen(file.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs("this is not an sqlite database, just some text long enough to have a header......\n", f);
        std::fclose(f);
    }
    auto garbage = Database::open(file);
    ASSERT_FALSE(garbage.ok());
    EXPECT_FALSE(garbage.error().message.empty());
}

}  // namespace
}  // namespace vigil::store
