// vigil eval url: score labelled URLs (or a plain list with --all-positive / --all-negative) with a
// model artifact and print the metrics, as text or as one JSON object.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "url_data_options.hpp"
#include "traffic_commands.hpp"
#include "vigil/api/url_checker.hpp"
#include "vigil/cli/commands.hpp"
#include "vigil/cli/intel_commands.hpp"
#include "vigil/intel/feed_store.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/ml/url_training.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kEvalUsage = R"(usage: vigil eval url --model DIR --data FILE [--data FILE ...] [options]
       vigil eval traffic ... (see vigil eval traffic --help)

Scores every URL of the data files with the model and prints n, ROC-AUC, PR-AUC, accuracy,
precision, recall, F1, FPR, TPR, the threshold and the confusion matrix. With a list that has one
class only (--all-positive / --all-negative) the AUCs are null: read recall, or the FPR.

)";

constexpr const char* kEvalOptions = R"(
options:
  --model DIR           model artifact directory (default: models/url of this installation)
  --json                print one JSON object: n, positives, negatives, roc_auc, pr_auc, accuracy,
                        precision, recall, f1, fpr, tpr, threshold, confusion {tp,fp,tn,fn}, model,
                        unparseable, sources [{path, n, ...}]
  --split train|valid|test   keep only the URLs that training assigned to this split (the split is a
                        hash of the canonical URL, so it is the same in every run)
  --dedupe              drop repeated URLs (and URLs seen with both labels) before scoring
  --threshold T         decide with T instead of the model's threshold
  --scores FILE         also write url,label,score (CSV) for every scored URL, e.g. to study
                        other thresholds
  --model-only          score with the model alone. Without it the full verdict decides: the model
                        plus threat-feed hits (phishing), deny-list (phishing), allow-list (benign)
                        and popular domains (at most suspicious); a URL counts as predicted
                        phishing exactly when the full verdict is "phishing"
  --feed FILE           threat feed to load for the full verdict (repeatable)
  --feed-format F       format of the --feed files: phishtank | openphish | urlhaus | plain
                        (default plain)
  --db PATH             also load the feeds stored in this database (vigil intel import)
  --allow-list FILE     deployment allow-list (domains)
  --deny-list FILE      deployment deny-list (domains)
  --popular-domains FILE  popular registrable domains; default <data dir>/domains/top-10000.csv.gz,
                        none = off
  --brands FILE         popular-domain list for the brand features
                        (default <data dir>/domains/top-10000.csv.gz; $VIGIL_DATA_DIR)
  --help
)";

void print_usage(std::ostream& out) { out << kEvalUsage << kDataOptionsHelp << kEvalOptions; }

std::string fmt(double v) {
    if (v != v) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

void print_text(const std::string& title, const ml::BinaryMetrics& m) {
    std::cout << title << ": n " << m.n << " (" << m.positives << " phishing, " << m.negatives << " legitimate)\n"
              << "  ROC-AUC " << fmt(m.roc_auc) << "  PR-AUC " << fmt(m.pr_auc) << "  accuracy " << fmt(m.accuracy)
              << "\n  precision " << fmt(m.precision) << "  recall " << fmt(m.recall) << "  F1 " << fmt(m.f1)
              << "  FPR " << fmt(m.fpr) << "  TPR " << fmt(m.tpr) << "\n  threshold " << m.threshold
              << "  TP " << m.confusion.tp << "  FP " << m.confusion.fp << "  TN " << m.confusion.tn << "  FN "
              << m.confusion.fn << "\n";
}

}  // namespace

int run_eval(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        print_usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    const std::string_view kind = argv[1];
    if (kind == "traffic") return run_eval_traffic(argc, argv);
    if (kind != "url") {
        std::cerr << "vigil eval: unknown model kind '" << kind << "' (url)\n";
        return 2;
    }

    std::filesystem::path model_dir = install_root() / "models" / "url";
    std::filesystem::path brands;
    DataOptionParser data_options;
    bool json = false, dedupe = false, model_only = false;
    std::vector<intel::FeedSpec> feeds;
    intel::FeedFormat feed_format = intel::FeedFormat::kPlain;
    std::filesystem::path feed_db, allow_list, deny_list, popular_domains;
    std::optional<ml::Split> split;
    std::optional<double> threshold;
    std::filesystem::path scores_out;
    for (int i = 2; i < argc; ++i) {
        std::string error;
        if (data_options.consume(argc, argv, i, error)) {
            if (!error.empty()) return std::cerr << "vigil eval: " << error << "\n", 2;
            continue;
        }
        const std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--help" || a == "-h") {
            print_usage(std::cout);
            return 0;
        } else if (a == "--model" || a == "--brands" || a == "--scores") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil eval: " << a << " needs a value\n", 2;
            (a == "--model" ? model_dir : a == "--brands" ? brands : scores_out) = v;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--dedupe") {
            dedupe = true;
        } else if (a == "--model-only") {
            model_only = true;
        } else if (a == "--feed" || a == "--feed-format" || a == "--db" || a == "--allow-list" ||
                   a == "--deny-list" || a == "--popular-domains") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil eval: " << a << " needs a value\n", 2;
            if (a == "--feed") {
                feeds.push_back(intel::FeedSpec{"feed" + std::to_string(feeds.size() + 1), feed_format, v});
            } else if (a == "--feed-format") {
                auto f = intel::feed_format_from_string(v);
                if (!f) return std::cerr << "vigil eval: " << f.error().message << "\n", 2;
                feed_format = *f;
            } else {
                (a == "--db" ? feed_db : a == "--allow-list" ? allow_list : a == "--deny-list" ? deny_list
                                                                                               : popular_domains) = v;
            }
        } else if (a == "--split") {
            const char* v = value();
            const std::string_view s = v == nullptr ? "" : v;
            if (s == "train") split = ml::Split::kTrain;
            else if (s == "valid") split = ml::Split::kValid;
            else if (s == "test") split = ml::Split::kTest;
            else return std::cerr << "vigil eval: --split takes train, valid or test\n", 2;
        } else if (a == "--threshold") {
            const char* v = value();
            char* end = nullptr;
            double t = v == nullptr ? 0 : std::strtod(v, &end);
            if (v == nullptr || end == v || *end != '\0') return std::cerr << "vigil eval: --threshold needs a number\n", 2;
            threshold = t;
        } else {
            std::cerr << "vigil eval: unknown option '" << a << "'\n\n";
            print_usage(std::cerr);
            return 2;
        }
    }
    std::string error;
    auto specs = data_options.finish(error);
    if (!specs) return std::cerr << "vigil eval: " << error << "\n", 2;

    auto runtime = load_url_runtime(model_dir, brands);
    if (!runtime) return std::cerr << "vigil eval: " << runtime.error().message << "\n", 1;
    UrlRuntime& rt = **runtime;
    // Brand features depend on the brand list: say so when it is not the one the model was trained with.
    {
        const std::filesystem::path used =
            brands.empty() ? default_data_dir() / "domains" / "top-10000.csv.gz" : brands;
        boost::json::error_code ec;
        boost::json::value meta = boost::json::parse(rt.model.metadata_json, ec);
        const boost::json::value* bl = ec || !meta.is_object() ? nullptr : meta.as_object().if_contains("brand_list");
        if (bl != nullptr && bl->is_object() && bl->as_object().contains("sha256")) {
            auto digest = ml::sha256_file(used);
            if (digest && bl->as_object().at("sha256").is_string() &&
                bl->as_object().at("sha256").get_string() != *digest) {
                std::cerr << "vigil eval: warning: brand list " << used.string()
                          << " differs from the one the model was trained with (see its metadata.json)\n";
            }
        }
    }

    auto data = ml::load_url_data(*specs, rt.psl);
    if (!data) return std::cerr << "vigil eval: " << data.error().message << "\n", 1;
    if (dedupe) ml::deduplicate(*data);
    if (split) ml::keep_split(*data, *split);

    features::UrlFeatureExtractor extractor(rt.psl, rt.brands);
    ml::UrlScores scored = ml::score_urls(rt.model.forest, *data, extractor);
    const double th = threshold.value_or(rt.model.threshold);
    // The full verdict: run every scored URL through the server's checker with the intel rules, and
    // count it as predicted phishing exactly when the final verdict is "phishing".
    size_t rule_changed = 0;
    intel::IntelState intel_state;
    if (!model_only) {
        if (!feed_db.empty()) {
            auto db = store::Database::open(feed_db);
            if (!db) return std::cerr << "vigil eval: " << feed_db.string() << ": " << db.error().message << "\n", 1;
            if (Status s = intel::load_stored_feeds(*db, intel_state); !s) {
                return std::cerr << "vigil eval: " << s.error().message << "\n", 1;
            }
        }
        for (intel::FeedSpec& f : feeds) {
            f.format = feed_format;
            auto text = intel::fetch_feed_text(f.location);
            if (!text) return std::cerr << "vigil eval: feed " << f.location << ": " << text.error().message << "\n", 1;
            auto st = intel::apply_feed_text(f, *text, intel_state, nullptr, intel::unix_now_ms());
            if (!st) return std::cerr << "vigil eval: feed " << f.location << ": " << st.error().message << "\n", 1;
        }
        api::IntelRuleSet set;
        set.feeds = &intel_state;
        for (auto [path, list] : {std::pair{&allow_list, &set.allow}, std::pair{&deny_list, &set.deny}}) {
            if (path->empty()) continue;
            auto loaded = intel::DomainList::load(*path);
            if (!loaded) return std::cerr << "vigil eval: " << loaded.error().message << "\n", 1;
            *list = std::move(*loaded);
        }
        auto popular = load_popular_domains(popular_domains);
        if (!popular) return std::cerr << "vigil eval: " << popular.error().message << "\n", 1;
        set.popular = std::move(*popular);
        api::UrlCheckerOptions options;
        options.cache_capacity = 0;
        options.explain = api::ExplainMode::kNever;
        options.rules = api::make_intel_rules(std::move(set));
        api::UrlChecker checker(api::UrlModel{&rt.model.forest, th, rt.model.name, rt.model.version}, rt.psl,
                                rt.brands, options);
        const float below = std::nextafter(static_cast<float>(th), 0.0f);
        for (size_t k = 0; k < scored.urls.size(); ++k) {
            auto verdict = checker.check(scored.urls[k]->url);
            if (!verdict) continue;  // parsed for the model; keep the model score
            const bool phishing = verdict->verdict->verdict == api::VerdictLabel::kPhishing;
            const float before = scored.scores[k];
            float& score = scored.scores[k];
            if (phishing && score < th) score = std::max(static_cast<float>(verdict->verdict->score), static_cast<float>(th));
            if (!phishing && score >= th) score = below;
            if (score != before) ++rule_changed;
        }
    }
    if (!scores_out.empty()) {
        std::ofstream out(scores_out, std::ios::trunc);
        out << "url,label,score\n";
        size_t k = 0;
        for (const ml::UrlRow& row : data->rows) {
            if (k >= scored.urls.size() || scored.urls[k] != &row) continue;  // did not parse
            std::string quoted = row.url;
            // RFC 4180: quote the field, double the quotes inside.
            for (size_t pos = quoted.find('"'); pos != std::string::npos; pos = quoted.find('"', pos + 2)) {
                quoted.insert(pos, 1, '"');
            }
            out << '"' << quoted << "\"," << row.label << ',' << scored.scores[k] << '\n';
            ++k;
        }
        if (!out) return std::cerr << "vigil eval: cannot write " << scores_out.string() << "\n", 1;
    }
    const ml::BinaryMetrics all = ml::evaluate(scored.scores, scored.labels, th);

    // Per-file metrics (printed as text when several files were combined).
    std::vector<ml::BinaryMetrics> per_source;
    {
        for (size_t src = 0; src < data->sources.size(); ++src) {
            std::vector<float> s;
            std::vector<int> l;
            for (size_t i = 0; i < scored.scores.size(); ++i) {
                if (scored.sources[i] == src) {
                    s.push_back(scored.scores[i]);
                    l.push_back(scored.labels[i]);
                }
            }
            per_source.push_back(ml::evaluate(s, l, th));
        }
    }

    if (json) {
        // The metrics object, extended with where the numbers come from.
        auto str = [](std::string_view v) { return boost::json::serialize(boost::json::string(v)); };
        std::string out = ml::to_json(all);
        out.pop_back();  // '}'
        out += ",\"model\":{\"name\":" + str(rt.model.name) + ",\"version\":" + str(rt.model.version) +
               ",\"dir\":" + str(model_dir.string()) + "}";
        out += ",\"unparseable\":" + std::to_string(scored.unparseable);
        out += std::string(",\"model_only\":") + (model_only ? "true" : "false");
        out += ",\"rule_changed\":" + std::to_string(rule_changed);
        out += ",\"feed_full_hashes\":" + std::to_string(intel_state.snapshot()->size());
        out += ",\"sources\":[";
        for (size_t src = 0; src < data->sources.size(); ++src) {
            std::string so = ml::to_json(per_source[src]);
            so.pop_back();
            so += ",\"path\":" + str(data->sources[src].path) + ",\"shape\":" + str(data->sources[src].description) + "}";
            out += (src > 0 ? "," : "") + so;
        }
        out += "]}";
        std::cout << out << "\n";
        return 0;
    }
    std::cout << "model " << rt.model.name << " " << rt.model.version << " (" << model_dir.string() << ")\n";
    for (const ml::SourceInfo& s : data->sources) {
        std::cout << "data " << s.path << ": " << s.description << ", " << s.kept << " rows";
        if (s.skipped_malformed + s.skipped_domain_half + s.skipped_not_listed + s.duplicates + s.conflicts > 0) {
            std::cout << " (skipped: " << s.skipped_malformed << " malformed, " << s.skipped_domain_half
                      << " other domain half, " << s.skipped_not_listed << " domain not listed, " << s.duplicates << " duplicates, " << s.conflicts << " conflicts)";
        }
        std::cout << "\n";
    }
    if (scored.unparseable > 0) std::cout << scored.unparseable << " URLs did not parse and were not scored\n";
    if (model_only) {
        std::cout << "verdict: model only\n";
    } else {
        std::cout << "verdict: full (model + rules; " << intel_state.snapshot()->size() << " feed full hashes); "
                  << rule_changed << " decisions changed by a rule\n";
    }
    if (per_source.size() > 1) {
        for (size_t src = 0; src < per_source.size(); ++src) print_text(data->sources[src].path, per_source[src]);
    }
    print_text(per_source.size() > 1 ? "all files" : "metrics", all);
    return 0;
}

}  // namespace vigil::cli
