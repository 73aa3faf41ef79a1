// The writer side of the traffic write queue: TrafficWrite elements become traffic_records, predictions and
// threats rows. Runs on the queue's background thread, so JSON building stays off the request path.
#include <memory>

#include "vigil/api/json_writer.hpp"
#include "vigil/api/traffic_ingest.hpp"

namespace vigil::api {
namespace {

// Positions of the NSL-KDD fields that have their own traffic_records columns (absent in other schemas).
struct KnownFields {
    std::optional<std::size_t> protocol, service, duration, src_bytes, dst_bytes;
};

std::optional<std::size_t> find_field(const traffic::Schema& schema, std::string_view name) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        if (schema.fields[i].name == name) return i;
    }
    return std::nullopt;
}

class TrafficRowBuilder {
public:
    explicit TrafficRowBuilder(const traffic::Schema& schema) : schema_(schema) {
        known_.protocol = find_field(schema_, "protocol_type");
        known_.service = find_field(schema_, "service");
        known_.duration = find_field(schema_, "duration");
        known_.src_bytes = find_field(schema_, "src_bytes");
        known_.dst_bytes = find_field(schema_, "dst_bytes");
    }

    void add(const TrafficWrite& w, store::TrafficWriteSet& set) const {
        store::TrafficRecordRow r;
        r.id = w.record_id;
        r.ts_ms = w.ts_ms;
        r.source = w.source;
        r.src_addr = w.connection.src_addr;
        r.dst_addr = w.connection.dst_addr;
        r.src_port = w.connection.src_port;
        r.dst_port = w.connection.dst_port;
        r.packets_in = w.connection.packets_in;
        r.packets_out = w.connection.packets_out;
        const auto& v = w.record.values;
        auto text = [&](std::optional<std::size_t> i) -> std::optional<std::string> {
            if (!i || *i >= v.size()) return std::nullopt;
            return v[*i].text;
        };
        auto number = [&](std::optional<std::size_t> i) -> std::optional<double> {
            if (!i || *i >= v.size()) return std::nullopt;
            return v[*i].number;
        };
        r.protocol = text(known_.protocol);
        r.service = text(known_.service);
        if (auto d = number(known_.duration)) r.duration_ms = *d * 1000.0;  // NSL-KDD duration is in seconds
        // src_bytes flow from the originator: out of its side; dst_bytes come back in.
        if (auto b = number(known_.src_bytes)) r.bytes_out = static_cast<int64_t>(*b);
        if (auto b = number(known_.dst_bytes)) r.bytes_in = static_cast<int64_t>(*b);
        JsonWriter fj(r.features_json);
        fj.begin_object();
        for (std::size_t i = 0; i < v.size() && i < schema_.fields.size(); ++i) {
            if (schema_.fields[i].kind == traffic::FieldKind::kCategorical) {
                fj.field(schema_.fields[i].name, v[i].text);
            } else {
                fj.field(schema_.fields[i].name, v[i].number);
            }
        }
        fj.end_object();
        set.records.push_back(std::move(r));

        store::TrafficPredictionRow p;
        p.ts_ms = w.ts_ms;
        p.traffic_record_id = w.record_id;
        p.source = w.source;
        p.label = w.attack ? "attack" : "normal";
        p.family = w.family;
        p.score = w.probability;
        p.severity = std::string(to_string(w.severity));
        p.model_version = w.model_version;
        p.latency_us = w.latency_us;
        JsonWriter rj(p.reasons_json);
        rj.begin_array();
        for (const auto& c : w.reasons) {
            rj.begin_object().field("name", c.name).field("value", c.value).field("contribution", c.contribution);
            rj.end_object();
        }
        rj.end_array();
        set.predictions.push_back(std::move(p));

        if (w.alert.kind == AlertDecision::Kind::kRaised) {
            store::AlertRow a;
            a.id = w.alert.alert_id;
            a.ts_ms = w.alert.first_ts_ms;
            a.last_ts_ms = w.ts_ms;
            a.source = w.source;
            a.family = w.family;
            a.severity = std::string(to_string(w.alert.severity));
            a.score = w.alert.score;
            a.summary = alert_summary(w.alert.severity, w.family, w.source);
            a.traffic_record_id = w.record_id;
            a.count = w.alert.count;
            set.new_alerts.push_back(std::move(a));
        } else if (w.alert.kind == AlertDecision::Kind::kFolded) {
            set.folds.push_back(store::AlertFoldRow{w.alert.alert_id, w.ts_ms, w.alert.count,
                                                    std::string(to_string(w.alert.severity)), w.alert.score});
        }
    }

private:
    traffic::Schema schema_;  // a copy: the writer thread must not depend on the model's lifetime
    KnownFields known_;
};

}  // namespace

std::unique_ptr<TrafficWriteQueue> make_traffic_write_queue(store::Database db, const traffic::Schema& schema,
                                                            store::WriteQueueOptions options) {
    if (options.name == store::WriteQueueOptions{}.name) options.name = "traffic queue";
    auto shared_db = std::make_shared<store::Database>(std::move(db));
    auto builder = std::make_shared<const TrafficRowBuilder>(schema);
    auto set = std::make_shared<store::TrafficWriteSet>();  // reused between batches (writer thread only)
    return std::make_unique<TrafficWriteQueue>(
        [shared_db, builder, set](std::span<const TrafficWrite> writes) {
            set->records.clear();
            set->predictions.clear();
            set->new_alerts.clear();
            set->folds.clear();
            for (const auto& w : writes) builder->add(w, *set);
            return store::write_traffic(*shared_db, *set);
        },
        std::move(options));
}

}  // namespace vigil::api
