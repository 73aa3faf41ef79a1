#include <boost/json.hpp>
#include <chrono>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/api/traffic_record_parser.hpp"
#include "vigil/api/traffic_routes.hpp"
#include "vigil/core/text_file.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

int64_t micros_since(SteadyClock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
}

// problem+json with the record's position and field as extension members (RFC 7807 section 3.2).
void append_record_problem(std::string& out, unsigned status, std::string_view slug, std::string_view title,
                           const RecordProblem& p, std::optional<std::size_t> index) {
    JsonWriter w(out);
    w.begin_object();
    w.field("type", std::string("https://vigil.dev/problems/") + std::string(slug));
    w.field("title", title).field("status", status).field("detail", p.detail);
    if (index) w.field("index", static_cast<uint64_t>(*index));
    if (!p.field.empty()) w.field("field", p.field);
    w.end_object();
}

HttpResponse record_problem(const RecordProblem& p) {
    HttpResponse r;
    r.status = 400;
    r.content_type = "application/problem+json";
    append_record_problem(r.body, 400, "invalid-record", "Invalid record", p, std::nullopt);
    return r;
}

HttpResponse storage_full() {
    HttpResponse r = problem(503, "storage-busy", "Storage busy",
                             "the write queue is full, so the record was not accepted; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    return r;
}

void append_prediction_json(std::string& out, const traffic::TrafficVerdict& v, const IngestOutcome& o,
                            int64_t took_us) {
    JsonWriter w(out);
    w.begin_object();
    w.field("prediction", v.attack ? "attack" : "normal").field("family", v.family);
    w.field("probability", v.probability).field("severity", to_string(o.severity));
    w.key("reasons").begin_array();
    for (const auto& c : v.reasons) {
        w.begin_object().field("kind", "feature").field("name", c.name).field("value", c.value);
        w.field("contribution", c.contribution).end_object();
    }
    w.end_array();
    w.key("model").begin_object().field("name", v.model_name).field("version", v.model_version).end_object();
    w.field("record_id", o.record_id);
    w.key("alert");
    if (o.alert.kind == AlertDecision::Kind::kNone) {
        w.null();
    } else {
        w.begin_object().field("id", o.alert.alert_id).field("count", o.alert.count);
        w.field("folded", o.alert.kind == AlertDecision::Kind::kFolded).end_object();
    }
    w.field("took_us", took_us);
    w.end_object();
}

// Scores one valid record; the problem (with status) when the model refuses it or storage is full.
struct Scored {
    bool ok = false;
    unsigned status = 0;
    RecordProblem problem;
    traffic::TrafficVerdict verdict;
    IngestOutcome outcome;
};

Scored score_and_ingest(const PredictServices& s, traffic::Record record, SteadyClock::time_point start) {
    Scored out;
    auto verdict = s.model->score(record);
    if (!verdict) {
        out.status = verdict.error().code == ErrorCode::kInvalidArgument ? 400 : 500;
        out.problem = {"", verdict.error().message};
        return out;
    }
    out.verdict = std::move(*verdict);
    IngestContext ctx;
    ctx.source = "api";
    ctx.latency_us = micros_since(start);
    out.outcome = s.ingest->ingest(std::move(record), out.verdict, ctx);
    if (!out.outcome.stored) {
        out.status = 503;
        out.problem = {"", "the write queue is full, so the record was not accepted; retry shortly"};
        return out;
    }
    out.ok = true;
    return out;
}

bool parse_json_body(const HttpRequest& req, json::value& out, HttpResponse& error, unsigned max_depth) {
    json::parse_options opts;
    opts.max_depth = max_depth;
    json::error_code ec;
    out = json::parse(req.body, ec, out.storage(), opts);
    if (ec) {
        error = problem(400, "invalid-request", "Invalid request", "body is not valid JSON: " + ec.message());
        return false;
    }
    return true;
}

HttpResponse unavailable(const PredictServices& s) {
    return problem(503, "traffic-model-unavailable", "Traffic model unavailable", s.unavailable_reason);
}

HttpResponse predict_one(const PredictServices& s, const TrafficRecordParser& parser, const HttpRequest& req) {
    const auto start = SteadyClock::now();
    if (s.model == nullptr || s.ingest == nullptr) return unavailable(s);
    if (req.content_type != "application/json") {
        return problem(415, "unsupported-media-type", "Unsupported media type",
                       "send one connection record as application/json");
    }
    // A 41-field record's DOM fits on the stack: parsing it then allocates nothing.
    unsigned char scratch[8192];
    json::monotonic_resource arena(scratch, sizeof scratch);
    const json::storage_ptr storage(&arena);
    json::value body(storage);
    HttpResponse error;
    if (!parse_json_body(req, body, error, 4)) return error;
    if (!body.is_object()) {
        return problem(400, "invalid-request", "Invalid request", "body must be one JSON object (a connection record)");
    }
    traffic::Record record;
    RecordProblem p;
    if (!parser.from_json(body.get_object(), record, p)) return record_problem(p);
    Scored scored = score_and_ingest(s, std::move(record), start);
    if (!scored.ok) {
        if (scored.status == 503) return storage_full();
        if (scored.status == 400) return record_problem(scored.problem);
        return problem(500, "internal", "Internal error", scored.problem.detail);
    }
    HttpResponse r;
    r.body.reserve(1024);
    append_prediction_json(r.body, scored.verdict, scored.outcome, micros_since(start));
    return r;
}

// Parsed batch input: records in order, or for a bad one its problem.
struct BatchItem {
    traffic::Record record;
    bool valid = false;
    RecordProblem problem;
};

HttpResponse too_large(std::size_t max, std::size_t got) {
    return problem(413, "batch-too-large", "Batch too large",
                   "at most " + std::to_string(max) + " records per batch, got " + std::to_string(got));
}

// false with `error` for a problem with the whole body (then nothing is scored).
bool read_json_batch(const HttpRequest& req, const TrafficRecordParser& parser, std::size_t max,
                     std::vector<BatchItem>& items, HttpResponse& error) {
    json::value body;
    if (!parse_json_body(req, body, error, 5)) return false;
    if (!body.is_object()) {
        error = problem(400, "invalid-request", "Invalid request", "body must be a JSON object {\"records\": [...]}");
        return false;
    }
    const auto& obj = body.get_object();
    for (const auto& kv : obj) {
        if (kv.key() != "records") {
            RecordProblem p{std::string(kv.key()), "unknown field '" + std::string(kv.key().substr(0, 64)) + "'"};
            error = record_problem(p);
            return false;
        }
    }
    const json::value* records = obj.if_contains("records");
    if (records == nullptr || !records->is_array()) {
        error = problem(400, "invalid-request", "Invalid request",
                        records == nullptr ? "missing required field 'records'"
                                           : "field 'records' must be an array of objects");
        return false;
    }
    const auto& arr = records->get_array();
    if (arr.empty()) {
        error = problem(400, "invalid-request", "Invalid request", "field 'records' must not be empty");
        return false;
    }
    if (arr.size() > max) {
        error = too_large(max, arr.size());
        return false;
    }
    items.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_object()) {
            items[i].problem = {"", "records[" + std::to_string(i) + "] must be a JSON object"};
            continue;
        }
        items[i].valid = parser.from_json(arr[i].get_object(), items[i].record, items[i].problem);
    }
    return true;
}

bool read_csv_batch(const HttpRequest& req, const TrafficRecordParser& parser, std::size_t max,
                    std::vector<BatchItem>& items, HttpResponse& error) {
    CsvReader reader(req.body);
    std::vector<std::string> header;
    if (!reader.next(header) || (header.size() == 1 && header[0].empty())) {
        error = problem(400, "invalid-request", "Invalid request", "CSV body needs a header row naming the fields");
        return false;
    }
    auto binding = parser.bind_csv_header(header);
    if (!binding) {
        error = problem(400, "invalid-request", "Invalid request", binding.error().message);
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    while (reader.next(row)) {
        if (row.size() == 1 && (row[0].empty() || row[0] == "\r")) continue;  // blank line
        if (rows.size() == max) {
            // Count the rest only to report the size.
            std::size_t total = rows.size() + 1;
            while (reader.next(row)) total += row.size() == 1 && row[0].empty() ? 0 : 1;
            error = too_large(max, total);
            return false;
        }
        rows.push_back(std::move(row));
        row.clear();
    }
    if (rows.empty()) {
        error = problem(400, "invalid-request", "Invalid request", "CSV body has a header but no records");
        return false;
    }
    items.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        items[i].valid = parser.from_csv(rows[i], *binding, items[i].record, items[i].problem);
    }
    return true;
}

HttpResponse predict_batch(const PredictServices& s, const TrafficRecordParser& parser, std::size_t max,
                           const HttpRequest& req) {
    if (s.model == nullptr || s.ingest == nullptr) return unavailable(s);
    std::vector<BatchItem> items;
    HttpResponse error;
    if (req.content_type == "application/json") {
        if (!read_json_batch(req, parser, max, items, error)) return error;
    } else if (req.content_type == "text/csv") {
        if (!read_csv_batch(req, parser, max, items, error)) return error;
    } else {
        return problem(415, "unsupported-media-type", "Unsupported media type",
                       "send {\"records\": [...]} as application/json, or text/csv with a header row");
    }
    HttpResponse r;
    r.body.reserve(items.size() * 600 + 64);
    r.body += "{\"results\":[";
    std::size_t scored_n = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) r.body.push_back(',');
        const auto start = SteadyClock::now();
        if (!items[i].valid) {
            append_record_problem(r.body, 400, "invalid-record", "Invalid record", items[i].problem, i);
            continue;
        }
        Scored scored = score_and_ingest(s, std::move(items[i].record), start);
        if (!scored.ok) {
            const bool full = scored.status == 503;
            append_record_problem(r.body, scored.status, full ? "storage-busy" : "invalid-record",
                                  full ? "Storage busy" : "Invalid record", scored.problem, i);
            continue;
        }
        ++scored_n;
        append_prediction_json(r.body, scored.verdict, scored.outcome, micros_since(start));
    }
    r.body += "],\"scored\":" + std::to_string(scored_n) + ",\"failed\":" + std::to_string(items.size() - scored_n) +
              "}";
    return r;
}

}  // namespace

void add_predict_routes(Router& router, PredictServices services, PredictRoutesOptions options) {
    // The parser keeps a reference to the schema, which the model owns for the server's lifetime.
    std::shared_ptr<const TrafficRecordParser> parser;
    if (services.model != nullptr) parser = std::make_shared<const TrafficRecordParser>(services.model->input_schema());
    router.add(Method::kPost, "/api/v1/predict", "/api/v1/predict", [services, parser](const HttpRequest& req) {
        if (!parser) return unavailable(services);
        return predict_one(services, *parser, req);
    });
    router.add(Method::kPost, "/api/v1/predict/batch", "/api/v1/predict/batch",
               [services, parser, options](const HttpRequest& req) {
                   if (!parser) return unavailable(services);
                   return predict_batch(services, *parser, options.max_batch, req);
               });
}

}  // namespace vigil::api
