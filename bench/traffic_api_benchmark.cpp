// The per-record costs of the traffic API around the model: JSON record parsing against the 41-field NSL-KDD
// schema, the alert decision, TrafficIngest::ingest (with a no-op and with the real queue), and the writer's
// SQLite throughput for traffic rows.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "vigil/api/alert_folder.hpp"
#include "vigil/api/traffic_ingest.hpp"
#include "vigil/api/traffic_record_parser.hpp"

namespace {

using vigil::traffic::FieldKind;

const char* const kNames[] = {
    "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment", "urgent",
    "hot", "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted", "num_root",
    "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login",
    "count", "srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate",
    "diff_srv_rate", "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate",
    "dst_host_diff_srv_rate", "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
    "dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate"};

const vigil::traffic::Schema& schema() {
    static const vigil::traffic::Schema s = [] {
        vigil::traffic::Schema out;
        for (std::size_t i = 0; i < std::size(kNames); ++i) {
            out.fields.push_back({kNames[i], i >= 1 && i <= 3 ? FieldKind::kCategorical : FieldKind::kNumeric});
        }
        return out;
    }();
    return s;
}

std::string record_json() {
    boost::json::object o;
    for (std::size_t i = 0; i < std::size(kNames); ++i) {
        if (i >= 1 && i <= 3) {
            o[kNames[i]] = i == 1 ? "tcp" : i == 2 ? "private" : "REJ";
        } else {
            o[kNames[i]] = static_cast<double>(i) * 1.5;
        }
    }
    return boost::json::serialize(o);
}

vigil::traffic::TrafficVerdict verdict(double p) {
    // Constructed, not assigned: g++ 12 reports a false -Wrestrict on string assignment from a literal here.
    return vigil::traffic::TrafficVerdict{
        p >= 0.5, std::string(p >= 0.5 ? "DoS" : "normal"), p,
        {{"count", 229, 1.2}, {"flag=REJ", 1, 0.8}, {"dst_host_rerror_rate", 1, 0.5}}, std::string("bench"),
        std::string("1")};
}

void BM_ParseRecordJson(benchmark::State& state) {
    const std::string body = record_json();
    const vigil::api::TrafficRecordParser parser(schema());
    vigil::traffic::Record record;
    vigil::api::RecordProblem problem;
    for (auto _ : state) {
        auto v = boost::json::parse(body);
        bool ok = parser.from_json(v.get_object(), record, problem);
        benchmark::DoNotOptimize(ok);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseRecordJson);

void BM_AlertFolderBelowThreshold(benchmark::State& state) {
    vigil::api::AlertFolder folder({vigil::api::Severity::kMedium, 60'000}, 0);
    for (auto _ : state) {
        benchmark::DoNotOptimize(folder.observe("api", "normal", vigil::api::Severity::kInfo, 0.01, 1000));
    }
}
BENCHMARK(BM_AlertFolderBelowThreshold);

void BM_AlertFolderFold(benchmark::State& state) {
    static vigil::api::AlertFolder folder({vigil::api::Severity::kMedium, 3'600'000}, 0);
    for (auto _ : state) {
        benchmark::DoNotOptimize(folder.observe("api", "DoS", vigil::api::Severity::kHigh, 0.99, 1000));
    }
}
BENCHMARK(BM_AlertFolderFold)->Threads(1)->Threads(2);

void BM_IngestNoStorage(benchmark::State& state) {
    vigil::api::TrafficIngest ingest([](vigil::api::TrafficWrite&&) { return true; },
                                     {vigil::api::Severity::kMedium, 60'000}, {}, nullptr, [] { return int64_t{1}; });
    vigil::traffic::Record record;
    record.values.resize(schema().fields.size());
    const auto v = verdict(state.range(0) / 100.0);
    for (auto _ : state) {
        auto copy = record;
        benchmark::DoNotOptimize(ingest.ingest(std::move(copy), v, {}));
    }
}
BENCHMARK(BM_IngestNoStorage)->Arg(1)->Arg(99);

std::filesystem::path temp_db() {
    static int n = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("vigil-traffic-bench-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir / "vigil.db";
}

// Records per second through the real queue and writer (SQLite WAL, one transaction per 512 rows), measured
// to the point where everything is on disk.
void BM_IngestToSqlite(benchmark::State& state) {
    const auto path = temp_db();
    const int64_t n = state.range(0);
    vigil::traffic::Record record;
    record.values.resize(schema().fields.size());
    record.values[1].text = "tcp";
    record.values[2].text = "private";
    record.values[3].text = "REJ";
    const auto v = verdict(0.99);
    for (auto _ : state) {
        auto db = vigil::store::Database::open(path);
        const auto seed = vigil::store::traffic_id_seed(*db);
        auto queue = vigil::api::make_traffic_write_queue(std::move(*db), schema());
        vigil::api::TrafficIngest ingest([&](vigil::api::TrafficWrite&& w) { return queue->try_push(std::move(w)); },
                                         {vigil::api::Severity::kMedium, 60'000}, *seed);
        for (int64_t i = 0; i < n; ++i) {
            auto copy = record;
            ingest.ingest(std::move(copy), v, {});
        }
        queue->shutdown();
        if (queue->written() != static_cast<uint64_t>(n)) state.SkipWithError("rows were not written");
    }
    state.SetItemsProcessed(state.iterations() * n);
    std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_IngestToSqlite)->Arg(20000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
