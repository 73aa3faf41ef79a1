// AlertFolder (in-memory folding), LatencyHistogram, and the alert query-string parser.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "vigil/api/alert_folder.hpp"
#include "vigil/api/event_feed.hpp"
#include "vigil/api/latency_histogram.hpp"
#include "vigil/api/traffic_routes.hpp"

namespace vigil::api {
namespace {

using Kind = AlertDecision::Kind;

TEST(AlertFolder, BelowMinimumSeverityRaisesNothing) {
    AlertFolder f({Severity::kMedium, 60'000}, 0);
    EXPECT_EQ(f.observe("api", "DoS", Severity::kLow, 0.4, 1000).kind, Kind::kNone);
    EXPECT_EQ(f.observe("api", "DoS", Severity::kInfo, 0.1, 1000).kind, Kind::kNone);
    EXPECT_EQ(f.open_alerts(), 0u);
}

TEST(AlertFolder, SameSourceAndFamilyFoldWithinTheWindow) {
    AlertFolder f({Severity::kMedium, 60'000}, 41);
    auto a = f.observe("api", "DoS", Severity::kMedium, 0.6, 1'000);
    EXPECT_EQ(a.kind, Kind::kRaised);
    EXPECT_EQ(a.alert_id, 42);  // seeded from the database's MAX(id)
    EXPECT_EQ(a.count, 1);
    auto b = f.observe("api", "DoS", Severity::kHigh, 0.9, 30'000);
    EXPECT_EQ(b.kind, Kind::kFolded);
    EXPECT_EQ(b.alert_id, 42);
    EXPECT_EQ(b.count, 2);
    EXPECT_EQ(b.severity, Severity::kHigh);  // the alert keeps the highest severity and score seen
    EXPECT_DOUBLE_EQ(b.score, 0.9);
    auto c = f.observe("api", "DoS", Severity::kMedium, 0.55, 60'999);
    EXPECT_EQ(c.kind, Kind::kFolded);
    EXPECT_EQ(c.count, 3);
    EXPECT_EQ(c.severity, Severity::kHigh);
    // The window is measured from the alert's first occurrence.
    auto d = f.observe("api", "DoS", Severity::kMedium, 0.6, 61'000);
    EXPECT_EQ(d.kind, Kind::kRaised);
    EXPECT_EQ(d.alert_id, 43);
}

TEST(AlertFolder, DifferentSourceOrFamilyAreSeparateAlerts) {
    AlertFolder f({Severity::kLow, 60'000}, 0);
    auto a = f.observe("api", "DoS", Severity::kHigh, 0.9, 0);
    auto b = f.observe("api", "Probe", Severity::kHigh, 0.9, 1);
    auto c = f.observe("live:eth0", "DoS", Severity::kHigh, 0.9, 2);
    // Another split of the same characters is another alert.
    auto d = f.observe("apiD", "oS", Severity::kHigh, 0.9, 3);
    EXPECT_EQ(d.kind, Kind::kRaised);
    EXPECT_EQ(a.kind, Kind::kRaised);
    EXPECT_EQ(b.kind, Kind::kRaised);
    EXPECT_EQ(c.kind, Kind::kRaised);
    EXPECT_NE(a.alert_id, b.alert_id);
    EXPECT_NE(a.alert_id, c.alert_id);
    EXPECT_EQ(f.observe("api", "Probe", Severity::kLow, 0.3, 4).alert_id, b.alert_id);
}

TEST(AlertFolder, AcknowledgedAlertStopsFolding) {
    AlertFolder f({Severity::kMedium, 60'000}, 0);
    auto a = f.observe("api", "DoS", Severity::kHigh, 0.9, 0);
    f.close(a.alert_id);
    auto b = f.observe("api", "DoS", Severity::kHigh, 0.9, 10);
    EXPECT_EQ(b.kind, Kind::kRaised);
    EXPECT_NE(b.alert_id, a.alert_id);
}

TEST(AlertFolder, ZeroWindowNeverFolds) {
    AlertFolder f({Severity::kMedium, 0}, 0);
    EXPECT_EQ(f.observe("api", "DoS", Severity::kHigh, 0.9, 0).kind, Kind::kRaised);
    EXPECT_EQ(f.observe("api", "DoS", Severity::kHigh, 0.9, 0).kind, Kind::kRaised);
}

TEST(AlertFolder, ExpiredFoldsArePruned) {
    AlertFolder f({Severity::kMedium, 1'000}, 0);
    for (int i = 0; i < 100; ++i) f.observe("src" + std::to_string(i), "DoS", Severity::kHigh, 0.9, 0);
    EXPECT_EQ(f.open_alerts(), 100u);
    f.observe("other", "DoS", Severity::kHigh, 0.9, 5'000);
    EXPECT_EQ(f.open_alerts(), 1u);
}

TEST(AlertFolder, ConcurrentObserversAllocateEveryIdOnceAndCountEveryFold) {
    AlertFolder f({Severity::kMedium, 3'600'000}, 0);
    std::vector<std::thread> threads;
    std::atomic<int> raised{0}, folded{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                auto d = f.observe("api", "DoS", Severity::kHigh, 0.9, 1000);
                (d.kind == Kind::kRaised ? raised : folded)++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(raised.load(), 1);
    EXPECT_EQ(folded.load(), 3999);
    EXPECT_EQ(f.observe("api", "DoS", Severity::kHigh, 0.9, 1000).count, 4001);
}

TEST(LatencyHistogram, QuantilesAreBucketUpperBounds) {
    LatencyHistogram h;
    EXPECT_EQ(h.quantile_us(0.5), 0);
    for (int i = 0; i < 90; ++i) h.record(10);   // bucket [8, 16)
    for (int i = 0; i < 10; ++i) h.record(1000);  // bucket [512, 1024)
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.quantile_us(0.5), 15);
    EXPECT_EQ(h.quantile_us(0.9), 15);
    EXPECT_EQ(h.quantile_us(0.99), 1023);
    h.record(-5);
    EXPECT_EQ(h.quantile_us(0.0), 0);
}

TEST(AlertQuery, DefaultsAndEveryParameter) {
    auto q = parse_alert_query("");
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->limit, 100u);
    EXPECT_TRUE(q->severities.empty());
    q = parse_alert_query("severity=medium&since=1000&until=2026-11-25T00%3A00%3A00Z&acknowledged=false&limit=5&"
                          "cursor=77");
    ASSERT_TRUE(q.ok()) << q.error().message;
    EXPECT_EQ(q->severities, (std::vector<std::string>{"MEDIUM", "HIGH"}));
    EXPECT_EQ(q->since_ms, 1000);
    EXPECT_EQ(q->until_ms, 1795564800000);
    EXPECT_EQ(q->acknowledged, false);
    EXPECT_EQ(q->limit, 5u);
    EXPECT_EQ(q->before_id, 77);
}

TEST(AlertQuery, BadValuesNameTheParameter) {
    const std::pair<const char*, const char*> cases[] = {
        {"severity=CRITICAL", "'severity'"}, {"since=yesterday", "'since'"},     {"until=-5", "'until'"},
        {"acknowledged=1", "'acknowledged'"}, {"limit=0", "'limit'"},           {"limit=1001", "'limit'"},
        {"limit=1e3", "'limit'"},             {"cursor=abc", "'cursor'"},       {"cursor=0", "'cursor'"},
        {"bogus=1", "'bogus'"},               {"limit=1&limit=2", "more than once"},
        {"since=2000&until=1000", "before"},  {"since=%ZZ", "%-escape"},        {"since=%4", "%-escape"},
        {"since=2026-13-01T00:00:00Z", "'since'"},
    };
    for (const auto& [query, expected] : cases) {
        auto q = parse_alert_query(query);
        ASSERT_FALSE(q.ok()) << query;
        EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(q.error().message.find(expected), std::string::npos) << query << ": " << q.error().message;
    }
}

TEST(AlertQuery, TimesRoundTrip) {
    EXPECT_EQ(parse_time_ms("2000-02-29T23:59:59.250Z"), 951868799250);
    EXPECT_EQ(parse_time_ms("2000-02-29T23:59:59.25Z"), 951868799250);
    EXPECT_EQ(format_time_ms(951868799250), "2000-02-29T23:59:59.250Z");
    EXPECT_EQ(parse_time_ms(format_time_ms(1795564800123)), 1795564800123);
    EXPECT_FALSE(parse_time_ms("2000-02-29 23:59:59Z").has_value());
    EXPECT_FALSE(parse_time_ms("2000-02-29T23:59:59+01:00").has_value());
    EXPECT_FALSE(parse_time_ms("").has_value());
}

}  // namespace
}  // namespace vigil::api

namespace vigil::api {
namespace {

TEST(EventFeed, EverySubscriberGetsTheSameMessageUntilUnsubscribed) {
    EventFeed feed;
    std::vector<std::string> a, b;
    const auto ida = feed.subscribe([&](const EventFeed::Message& m) { a.push_back(*m); });
    feed.subscribe([&](const EventFeed::Message& m) { b.push_back(*m); });
    EXPECT_EQ(feed.publish("one"), 2u);
    feed.unsubscribe(ida);
    EXPECT_EQ(feed.publish("two"), 1u);
    EXPECT_EQ(a, std::vector<std::string>{"one"});
    EXPECT_EQ(b, (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(feed.subscribers(), 1u);
}

}  // namespace
}  // namespace vigil::api
