// The traffic tables, the write queue behind TrafficIngest, and alert folding as stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "fake_traffic_model.hpp"
#include "vigil/api/traffic_ingest.hpp"
#include "vigil/store/traffic_tables.hpp"

namespace vigil::api {
namespace {

class TempDb {
public:
    TempDb() {
        static std::atomic<int> counter{0};
        dir_ = std::filesystem::temp_directory_path() /
               ("vigil-traffic-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    ~TempDb() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    store::Database open() const {
        auto db = store::Database::open(dir_ / "vigil.db");
        EXPECT_TRUE(db.ok()) << db.error().message;
        return std::move(*db);
    }

private:
    std::filesystem::path dir_;
};

int64_t scalar(store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    EXPECT_TRUE(st.ok());
    auto row = st->step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return st->column_int64(0);
}

store::AlertRow alert(int64_t id, int64_t ts, std::string severity, bool acked = false) {
    store::AlertRow a;
    a.id = id;
    a.ts_ms = ts;
    a.last_ts_ms = ts;
    a.source = "api";
    a.family = "DoS";
    a.severity = std::move(severity);
    a.score = 0.9;
    a.summary = "s";
    a.acknowledged = acked;
    return a;
}

TEST(TrafficTables, MigrationTwoAddsFoldingColumns) {
    TempDb tmp;
    auto db = tmp.open();
    EXPECT_GE(*db.schema_version(), 2);
    EXPECT_TRUE(db.exec("SELECT count, last_ts_ms, source, family, traffic_record_id FROM threats").ok());
    EXPECT_TRUE(db.exec("SELECT source, family FROM predictions").ok());
}

TEST(TrafficTables, AlertQueriesFilterAndPage) {
    TempDb tmp;
    auto db = tmp.open();
    store::TrafficWriteSet set;
    set.new_alerts = {alert(1, 1000, "LOW"), alert(2, 2000, "MEDIUM"), alert(3, 3000, "HIGH", true),
                      alert(4, 4000, "HIGH")};
    ASSERT_TRUE(store::write_traffic(db, set).ok());

    auto ids = [&](const store::AlertQuery& q) {
        std::vector<int64_t> out;
        auto rows = store::query_alerts(db, q);
        EXPECT_TRUE(rows.ok());
        for (const auto& r : *rows) out.push_back(r.id);
        return out;
    };
    EXPECT_EQ(ids({}), (std::vector<int64_t>{4, 3, 2, 1}));
    store::AlertQuery q;
    q.severities = {"MEDIUM", "HIGH"};
    EXPECT_EQ(ids(q), (std::vector<int64_t>{4, 3, 2}));
    q = {};
    q.since_ms = 2000;
    q.until_ms = 4000;
    EXPECT_EQ(ids(q), (std::vector<int64_t>{3, 2}));
    q = {};
    q.acknowledged = false;
    EXPECT_EQ(ids(q), (std::vector<int64_t>{4, 2, 1}));
    q = {};
    q.limit = 2;
    EXPECT_EQ(ids(q), (std::vector<int64_t>{4, 3}));
    q.before_id = 3;
    EXPECT_EQ(ids(q), (std::vector<int64_t>{2, 1}));
}

TEST(TrafficTables, AcknowledgeIsIdempotentAndKnowsUnknownIds) {
    TempDb tmp;
    auto db = tmp.open();
    store::TrafficWriteSet set;
    set.new_alerts = {alert(7, 1000, "HIGH")};
    ASSERT_TRUE(store::write_traffic(db, set).ok());
    auto first = store::acknowledge_alert(db, 7, 5000);
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first->acknowledged);
    EXPECT_EQ(first->acked_ts_ms, 5000);
    auto again = store::acknowledge_alert(db, 7, 9000);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->acked_ts_ms, 5000);  // the first acknowledgement time is kept
    auto missing = store::acknowledge_alert(db, 8, 9000);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(TrafficTables, FoldsOutOfOrderKeepTheHighestCount) {
    TempDb tmp;
    auto db = tmp.open();
    store::TrafficWriteSet set;
    set.new_alerts = {alert(1, 1000, "MEDIUM")};
    set.folds = {{1, 3000, 3, "HIGH", 0.95}, {1, 2000, 2, "MEDIUM", 0.6}};
    ASSERT_TRUE(store::write_traffic(db, set).ok());
    auto rows = store::query_alerts(db, {});
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].count, 3);
    EXPECT_EQ((*rows)[0].severity, "HIGH");
    EXPECT_EQ((*rows)[0].last_ts_ms, 3000);
}

TEST(TrafficTables, CountsByWindow) {
    TempDb tmp;
    auto db = tmp.open();
    store::TrafficWriteSet set;
    auto pred = [](int64_t ts, std::string label, std::string family, std::string sev) {
        store::TrafficPredictionRow p;
        p.ts_ms = ts;
        p.traffic_record_id = ts;
        p.label = std::move(label);
        p.family = std::move(family);
        p.severity = std::move(sev);
        return p;
    };
    for (int64_t ts : {100, 200, 300}) {
        store::TrafficRecordRow r;
        r.id = ts;
        r.ts_ms = ts;
        set.records.push_back(r);
    }
    set.predictions = {pred(100, "normal", "normal", "INFO"), pred(200, "attack", "DoS", "HIGH"),
                       pred(300, "attack", "Probe", "MEDIUM")};
    set.new_alerts = {alert(1, 250, "HIGH")};
    ASSERT_TRUE(store::write_traffic(db, set).ok());
    auto all = store::traffic_counts(db, 0);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->total, 3);
    EXPECT_EQ(all->by_label, (std::vector<std::pair<std::string, int64_t>>{{"attack", 2}, {"normal", 1}}));
    EXPECT_EQ(all->alerts, 1);
    auto recent = store::traffic_counts(db, 200);
    EXPECT_EQ(recent->total, 2);
    EXPECT_EQ(recent->by_family, (std::vector<std::pair<std::string, int64_t>>{{"DoS", 1}, {"Probe", 1}}));
    EXPECT_EQ(recent->by_severity, (std::vector<std::pair<std::string, int64_t>>{{"HIGH", 1}, {"MEDIUM", 1}}));
    EXPECT_EQ(store::traffic_counts(db, 301)->total, 0);
    auto seed = store::traffic_id_seed(db);
    EXPECT_EQ(seed->max_record_id, 300);
    EXPECT_EQ(seed->max_alert_id, 1);
}

traffic::Record record_with(const traffic::Schema& schema, double src_bytes) {
    traffic::Record r;
    r.values.resize(schema.fields.size());
    r.values[1].text = "tcp";
    r.values[2].text = "http";
    r.values[3].number = src_bytes;
    return r;
}

TEST(TrafficIngest, EveryRecordIsStoredAndAlertsFoldWithACount) {
    TempDb tmp;
    testing::FakeTrafficModel model;
    auto queue = make_traffic_write_queue(tmp.open(), model.input_schema());
    int64_t now = 1'000'000;
    TrafficMonitor monitor;
    TrafficIngest ingest([&](TrafficWrite&& w) { return queue->try_push(std::move(w)); },
                         {Severity::kMedium, 60'000}, {10, 5}, &monitor, [&] { return now; });
    auto job = monitor.start_job("test.pcap", "pcap", now);
    std::vector<int64_t> record_ids;
    for (int i = 0; i < 50; ++i) {
        const double bytes = i % 2 == 0 ? 100 : 900;  // INFO normal, HIGH attack
        auto rec = record_with(model.input_schema(), bytes);
        auto v = model.score(rec);
        ASSERT_TRUE(v.ok());
        IngestContext ctx;
        ctx.source = "pcap:test.pcap";
        ctx.job = job.get();
        ctx.latency_us = 20;
        auto out = ingest.ingest(std::move(rec), *v, ctx);
        EXPECT_TRUE(out.stored);
        record_ids.push_back(out.record_id);
        if (bytes > 500) {
            EXPECT_EQ(out.alert.alert_id, 6);
            EXPECT_EQ(out.alert.kind, i == 1 ? AlertDecision::Kind::kRaised : AlertDecision::Kind::kFolded);
        } else {
            EXPECT_EQ(out.alert.kind, AlertDecision::Kind::kNone);
        }
        now += 10;
    }
    EXPECT_EQ(record_ids.front(), 11);  // after the seeded MAX(id)
    EXPECT_EQ(record_ids.back(), 60);
    queue->shutdown();
    EXPECT_EQ(queue->written(), 50u);
    auto db = tmp.open();
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM traffic_records"), 50);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM predictions WHERE kind = 'traffic'"), 50);
    EXPECT_EQ(scalar(db, "SELECT MIN(id) FROM traffic_records"), 11);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM traffic_records WHERE service = 'http' AND bytes_out IN (100, 900)"),
              50);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM predictions p JOIN traffic_records r ON r.id = p.traffic_record_id"),
              50);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM threats"), 1);
    EXPECT_EQ(scalar(db, "SELECT count FROM threats WHERE id = 6"), 25);
    EXPECT_EQ(scalar(db, "SELECT traffic_record_id FROM threats WHERE id = 6"), 12);
    EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM traffic_records WHERE json_extract(features_json, '$.service') = "
                         "'http'"),
              50);

    EXPECT_EQ(ingest.counters().attack.load(), 25u);
    EXPECT_EQ(ingest.counters().alerts_folded.load(), 24u);
    auto jobs = monitor.jobs();
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].verdicts, 50u);
    EXPECT_EQ(jobs[0].attacks, 25u);
    EXPECT_EQ(monitor.recent().front().record_id, 60);
}

TEST(TrafficIngest, AFullQueueIsReportedNotHidden) {
    testing::FakeTrafficModel model;
    TrafficIngest ingest([](TrafficWrite&&) { return false; }, {}, {}, nullptr, [] { return int64_t{0}; });
    auto rec = record_with(model.input_schema(), 900);
    auto out = ingest.ingest(rec, *model.score(rec), {});
    EXPECT_FALSE(out.stored);
    EXPECT_EQ(ingest.counters().dropped.load(), 1u);
}

TEST(TrafficMonitor, JobsCountAndRender) {
    TrafficMonitor monitor(2, 1);
    auto a = monitor.start_job("a.pcap", "pcap", 1);
    a->add_packets(10, 1500);
    a->add_flows(3);
    a->add_drops(1);
    a->finish(5);
    auto b = monitor.start_job("b.pcap", "pcap", 6);
    b->finish(7, "truncated file");
    auto c = monitor.start_job("eth0", "live", 8);  // a and b finished: only the newest finished one is kept
    auto jobs = monitor.jobs();
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0].name, "b.pcap");
    EXPECT_EQ(jobs[0].state, "failed");
    EXPECT_EQ(jobs[0].error, "truncated file");
    EXPECT_EQ(jobs[1].state, "running");
    for (int i = 0; i < 3; ++i) monitor.note_verdict(c.get(), RecentVerdict{i, "live:eth0", true, "DoS", 0.9});
    EXPECT_EQ(monitor.recent().size(), 2u);
    EXPECT_EQ(monitor.recent().front().ts_ms, 2);
    std::string out;
    monitor.append_json(out);
    EXPECT_NE(out.find("\"recent_verdicts\":[{"), std::string::npos) << out;
    EXPECT_NE(out.find("\"name\":\"eth0\""), std::string::npos);
    EXPECT_NE(out.find("\"attacks\":3"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil::api
