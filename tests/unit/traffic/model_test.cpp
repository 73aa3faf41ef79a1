// The four learners on a small NSL-KDD sample, served through load_traffic_model; the native
// engine against XGBoost on traffic rows; artifact load errors; the threshold and selection rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>

#include "vigil/core/data_dir.hpp"
#include "vigil/ml/forest.hpp"
#include "vigil/ml/xgboost.hpp"
#include "vigil/traffic/training.hpp"

namespace vigil::traffic {
namespace {

namespace fs = std::filesystem;

// Every 6th row of the official 20 % subset (~4,200 records): big enough for every family head.
const TrafficData& sample() {
    static const TrafficData data = [] {
        const auto path = data_dir(VIGIL_SOURCE_DIR) / "traffic" / "nsl-kdd" / "KDDTrain+_20Percent.txt.gz";
        auto all = load_nsl_kdd(path);
        EXPECT_TRUE(all) << (all ? "" : all.error().message);
        if (!all) return TrafficData{};
        std::vector<uint8_t> keep(all->num_rows, 0);
        for (size_t r = 0; r < keep.size(); r += 6) keep[r] = 1;
        return subset(*all, keep, 1);
    }();
    return data;
}

TrafficTrainOptions fast_options() {
    TrafficTrainOptions o;
    // Small enough that each test process (ctest runs every case in its own) trains in ~2 s.
    o.gb.max_rounds = 20;
    o.gb.early_stopping_rounds = 10;
    o.rf.max_depth = 8;
    o.rf.extra = {{"num_parallel_tree", "10"}, {"colsample_bynode", "0.5"}};
    o.nn.max_epochs = 4;
    o.nn.hidden = {32, 16};
    o.name = "test-traffic";
    o.version = "t1";
    o.data_format = "nsl-kdd";
    return o;
}

const TrafficTrainResult& trained() {
    static const TrafficTrainResult result = [] {
        auto r = train_traffic_models(sample(), fast_options());
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? std::move(*r) : TrafficTrainResult{};
    }();
    return result;
}

FileReader memory_reader(const CandidateResult& c) {
    return [&c](std::string_view name) -> Result<std::string> {
        const auto it = c.files.find(std::string(name));
        if (it == c.files.end()) return make_error(ErrorCode::kNotFound, std::string(name));
        return it->second;
    };
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("vigil-traffic-test-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(reinterpret_cast<uintptr_t>(this)));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

TEST(TrafficTraining, EveryLearnerSeparatesAttacksOnValidation) {
    const auto& r = trained();
    ASSERT_EQ(r.candidates.size(), 4u);
    EXPECT_EQ(r.families, (std::vector<std::string>{"DoS", "Probe", "R2L", "U2R"}));
    for (const auto& c : r.candidates) {
        SCOPED_TRACE(c.algorithm);
        EXPECT_GT(c.valid.roc_auc, 0.97);
        EXPECT_GT(c.valid.accuracy, 0.9);
        EXPECT_GT(c.family_accuracy, 0.85);
        EXPECT_LE(c.valid.fpr, 0.01 + 1e-9);  // the threshold rule's budget
        EXPECT_GT(c.us_per_prediction, 0.0);
        EXPECT_TRUE(c.files.count("metadata.json"));
        EXPECT_EQ(c.valid.n, r.valid_rows);
    }
    EXPECT_LT(r.best, r.candidates.size());
    EXPECT_EQ(r.best, select_best(r.candidates));
}

TEST(TrafficTraining, ServedModelReproducesTheValidationScores) {
    const auto& r = trained();
    ASSERT_FALSE(r.candidates.empty());
    const auto flags = stratified_split(sample(), 0.2, 42);
    const TrafficData valid = subset(sample(), flags, 1);
    for (const auto& c : r.candidates) {
        SCOPED_TRACE(c.algorithm);
        auto artifact = artifact_from_files(memory_reader(c));
        ASSERT_TRUE(artifact) << artifact.error().message;
        EXPECT_DOUBLE_EQ(artifact->threshold, c.threshold);
        auto model = make_traffic_model(std::move(*artifact));
        std::vector<float> scores;
        std::vector<int> labels;
        for (size_t i = 0; i < valid.num_rows; ++i) {
            auto v = model->score(valid.record(i));
            ASSERT_TRUE(v) << v.error().message;
            scores.push_back(static_cast<float>(v->probability));
            labels.push_back(valid.labels[i]);
            EXPECT_EQ(v->attack, v->probability >= c.threshold);
            EXPECT_EQ(v->attack, v->family != "normal");
            ASSERT_LE(v->reasons.size(), 5u);
            for (size_t k = 1; k < v->reasons.size(); ++k) {
                EXPECT_GE(std::fabs(v->reasons[k - 1].contribution), std::fabs(v->reasons[k].contribution));
            }
        }
        const auto m = ml::evaluate(scores, labels, c.threshold);
        EXPECT_EQ(m.confusion.tp, c.valid.confusion.tp);
        EXPECT_EQ(m.confusion.fp, c.valid.confusion.fp);
        EXPECT_NEAR(ml::roc_auc(scores, labels), c.valid.roc_auc, 1e-9);
        // metadata.json records what both threshold rules pick on these same validation scores.
        const auto meta = boost::json::parse(c.files.at("metadata.json"));
        const auto& by_rule = meta.at("thresholds_by_rule").as_object();
        const double recall_t = by_rule.at("recall").to_number<double>(), f1_t = by_rule.at("f1").to_number<double>();
        EXPECT_DOUBLE_EQ(recall_t, c.threshold);  // the default rule
        EXPECT_DOUBLE_EQ(by_rule.at("max_fpr").to_number<double>(), 0.01);
        EXPECT_FLOAT_EQ(static_cast<float>(recall_t), static_cast<float>(threshold_at_fpr(scores, labels, 0.01)));
        EXPECT_FLOAT_EQ(static_cast<float>(f1_t), static_cast<float>(ml::choose_threshold(scores, labels, 0.01)));
        EXPECT_GE(f1_t, recall_t);  // both keep FPR <= budget; the recall rule takes the lowest such threshold
        EXPECT_LE(ml::evaluate(scores, labels, f1_t).fpr, 0.01 + 1e-9);
    }
}

TEST(TrafficTraining, ArtifactDirectoryLoadsAndExplains) {
    const auto& r = trained();
    ASSERT_FALSE(r.candidates.empty());
    TempDir dir;
    ASSERT_TRUE(write_traffic_artifacts(dir.path, r, true));
    for (const char* f : {"metadata.json", "report/report.md", "report/report.html", "report/confusion.svg", "report/roc-gb.svg"}) {
        EXPECT_TRUE(fs::exists(dir.path / f)) << f;
    }
    auto model = load_traffic_model(dir.path);
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_EQ((*model)->name(), "test-traffic");
    EXPECT_EQ((*model)->version(), "t1");
    EXPECT_EQ((*model)->input_schema().fields.size(), 41u);
    // A SYN-flood-like record (neptune pattern) is an attack of family DoS with reasons.
    const Schema& s = nsl_kdd_schema();
    Record rec;
    rec.values.resize(s.fields.size());
    rec.values[1].text = "tcp";
    rec.values[2].text = "private";
    rec.values[3].text = "S0";
    auto set = [&](const char* name, double v) { rec.values[*s.index_of(name)].number = v; };
    set("count", 250);
    set("srv_count", 15);
    set("serror_rate", 1);
    set("srv_serror_rate", 1);
    set("same_srv_rate", 0.06);
    set("diff_srv_rate", 0.07);
    set("dst_host_count", 255);
    set("dst_host_srv_count", 15);
    set("dst_host_same_srv_rate", 0.06);
    set("dst_host_diff_srv_rate", 0.07);
    set("dst_host_serror_rate", 1);
    set("dst_host_srv_serror_rate", 1);
    for (const auto& c : r.candidates) {
        auto m = load_traffic_model(dir.path / "candidates" / c.algorithm);
        ASSERT_TRUE(m) << m.error().message;
        auto v = (*m)->score(rec);
        ASSERT_TRUE(v);
        EXPECT_TRUE(v->attack) << c.algorithm << " p=" << v->probability;
        EXPECT_EQ(v->family, "DoS") << c.algorithm;
        EXPECT_FALSE(v->reasons.empty()) << c.algorithm;
    }
    Record bad = rec;
    bad.values.pop_back();
    auto v = (*model)->score(bad);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
}

TEST(TrafficTraining, NativeEngineAgreesWithXgboostOnTrafficRows) {
    const auto& r = trained();
    const auto flags = stratified_split(sample(), 0.2, 42);
    const TrafficData valid = subset(sample(), flags, 1);
    for (const auto& c : r.candidates) {
        if (c.algorithm != "gb" && c.algorithm != "rf") continue;
        SCOPED_TRACE(c.algorithm);
        auto artifact = artifact_from_files(memory_reader(c));
        ASSERT_TRUE(artifact);
        const std::vector<float> x = artifact->preprocessor.encode_all(valid);
        const size_t nf = artifact->preprocessor.num_features();
        for (const std::string file : {"binary.json", "family-0.json"}) {
            auto forest = ml::Forest::parse_xgboost_json(c.files.at(file));
            auto booster = ml::Booster::load_model_from_buffer(c.files.at(file));
            ASSERT_TRUE(forest && booster);
            auto dm = ml::DMatrix::from_dense(x, valid.num_rows, nf);
            ASSERT_TRUE(dm);
            auto reference = booster->predict(*dm, ml::PredictKind::kMargin);
            ASSERT_TRUE(reference);
            float worst = 0;
            for (size_t i = 0; i < valid.num_rows; ++i) {
                const float native = forest->predict_margin(std::span(x).subspan(i * nf, nf));
                worst = std::max(worst, std::fabs(native - (*reference)[i]));
            }
            EXPECT_LT(worst, 1e-4f) << file;
        }
    }
}

TEST(TrafficModelLoad, ErrorsNameTheProblem) {
    const auto& r = trained();
    ASSERT_FALSE(r.candidates.empty());
    TempDir dir;
    auto missing = load_traffic_model(dir.path / "nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    auto no_meta = load_traffic_model(dir.path);
    ASSERT_FALSE(no_meta);
    EXPECT_EQ(no_meta.error().code, ErrorCode::kNotFound);

    const CandidateResult& gb = *std::find_if(r.candidates.begin(), r.candidates.end(),
                                              [](const auto& c) { return c.algorithm == "gb"; });
    auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir.path / name) << text; };
    for (const auto& [name, text] : gb.files) write(name, text);
    ASSERT_TRUE(load_traffic_model(dir.path));

    fs::remove(dir.path / "family-2.json");
    auto no_head = load_traffic_model(dir.path);
    ASSERT_FALSE(no_head);
    EXPECT_NE(no_head.error().message.find("family-2.json"), std::string::npos) << no_head.error().message;
    write("family-2.json", gb.files.at("family-2.json"));

    write("binary.json", "{ not json");
    auto corrupt = load_traffic_model(dir.path);
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().code, ErrorCode::kFormat);
    write("binary.json", gb.files.at("binary.json"));

    std::string meta = gb.files.at("metadata.json");
    std::string url_meta = meta;
    url_meta.replace(url_meta.find("vigil-traffic-model"), 19, "vigil-url-model-xx1");
    write("metadata.json", url_meta);
    auto wrong = load_traffic_model(dir.path);
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("not a traffic model"), std::string::npos);

    std::string algo = meta;
    algo.replace(algo.find("\"algorithm\":\"gb\""), 16, "\"algorithm\":\"qq\"");
    write("metadata.json", algo);
    auto unknown = load_traffic_model(dir.path);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("qq"), std::string::npos);

    // A model trained on other features (svm weights with a different width) is refused.
    const CandidateResult& svm = *std::find_if(r.candidates.begin(), r.candidates.end(),
                                               [](const auto& c) { return c.algorithm == "svm"; });
    write("metadata.json", svm.files.at("metadata.json"));
    write("linear.json", R"({"heads":[{"w":[1,2],"b":0,"platt_a":1,"platt_b":0}]})");
    auto narrow = load_traffic_model(dir.path);
    ASSERT_FALSE(narrow);
    EXPECT_EQ(narrow.error().code, ErrorCode::kFormat);
}

TEST(ThresholdAtFpr, LowestThresholdWithinTheBudget) {
    const std::vector<float> s = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f};
    const std::vector<int> y = {1, 1, 0, 1, 1, 0, 1, 0, 0, 0};  // 5 negatives
    // Budget 0: no negative may be flagged -> threshold just above the top negative (0.7) = 0.8.
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_at_fpr(s, y, 0.0)), 0.8f);
    // Budget 1/5: one negative may be flagged -> above the second negative (0.4) = 0.5.
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_at_fpr(s, y, 0.2)), 0.5f);
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_at_fpr(s, y, 1.0)), 0.05f);
    EXPECT_DOUBLE_EQ(threshold_at_fpr({}, {}, 0.1), 0.5);
    const std::vector<float> top_negative = {0.9f, 0.1f};
    const std::vector<int> labels = {0, 1};
    EXPECT_GT(threshold_at_fpr(top_negative, labels, 0.0), 0.9);  // nothing flagged
}

TEST(SelectBest, HighestF1ThenAucThenSpeed) {
    std::vector<CandidateResult> c(3);
    c[0].valid.f1 = 0.90;
    c[1].valid.f1 = 0.95;
    c[2].valid.f1 = 0.95;
    c[1].valid.roc_auc = c[2].valid.roc_auc = 0.99;
    c[1].us_per_prediction = 5;
    c[2].us_per_prediction = 2;
    EXPECT_EQ(select_best(c), 2u);
    c[1].valid.roc_auc = 0.995;
    EXPECT_EQ(select_best(c), 1u);
    c[0].valid.f1 = 0.96;
    EXPECT_EQ(select_best(c), 0u);
}

TEST(TrafficTraining, GenericCsvWithTextLabelsTrainsEndToEnd) {
    // 600 synthetic connections: benign (tcp, moderate bytes), ddos (udp, high rate), scan (tcp, 0 bytes, many ports).
    TempDir dir;
    const fs::path csv = dir.path / "flows.csv";
    {
        std::ofstream out(csv);
        out << "proto,bytes,rate,ports,label\n";
        uint64_t x = 12345;
        auto next = [&x] {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            return static_cast<double>(x >> 11) / 9007199254740992.0;
        };
        for (int i = 0; i < 600; ++i) {
            const int kind = i % 3;
            if (kind == 0) out << "tcp," << 500 + 2000 * next() << "," << 10 * next() << "," << 1 + static_cast<int>(3 * next()) << ",benign\n";
            if (kind == 1) out << "udp," << 100 * next() << "," << 500 + 500 * next() << ",1,ddos\n";
            if (kind == 2) out << (next() < 0.5 ? "tcp" : "icmp") << ",0," << 20 * next() << "," << 50 + static_cast<int>(100 * next()) << ",scan\n";
        }
    }
    auto data = load_traffic_csv(csv, {.label_column = "label"});
    ASSERT_TRUE(data) << data.error().message;
    auto o = fast_options();
    o.algorithms = {"gb", "svm", "nn"};
    o.preprocess.min_count = 1;
    o.nn.max_epochs = 40;  // 480 rows: small batches, more epochs
    o.nn.batch_size = 16;
    o.nn.patience = 5;
    auto r = train_traffic_models(*data, o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->families, (std::vector<std::string>{"ddos", "scan"}));
    for (const auto& c : r->candidates) {
        SCOPED_TRACE(c.algorithm);
        EXPECT_GT(c.valid.roc_auc, 0.99);
        EXPECT_GT(c.family_accuracy, 0.95);
        auto a = artifact_from_files(memory_reader(c));
        ASSERT_TRUE(a);
        auto model = make_traffic_model(std::move(*a));
        Record flood;
        flood.values.resize(4);
        flood.values[0].text = "udp";
        flood.values[1].number = 40;
        flood.values[2].number = 900;
        flood.values[3].number = 1;
        auto v = model->score(flood);
        ASSERT_TRUE(v);
        EXPECT_EQ(v->family, "ddos");
    }
}

TEST(TrafficTraining, RefusesUnknownLearnerAndOneClassData) {
    auto o = fast_options();
    o.algorithms = {"gb", "knn"};
    auto r = train_traffic_models(sample(), o);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("knn"), std::string::npos);
    std::vector<uint8_t> normal_only(sample().num_rows);
    for (size_t i = 0; i < normal_only.size(); ++i) normal_only[i] = sample().labels[i] == 0;
    auto one_class = train_traffic_models(subset(sample(), normal_only, 1), fast_options());
    ASSERT_FALSE(one_class);
    EXPECT_EQ(one_class.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::traffic
