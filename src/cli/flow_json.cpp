#include "flow_json.hpp"

#include <ctime>

#include "vigil/api/json_writer.hpp"

namespace vigil::cli {
namespace {

std::string iso_timestamp(int64_t ts_us) {
    const time_t secs = static_cast<time_t>(ts_us / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[48];
    const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(ts_us % 1'000'000));
    return buf;
}

const char* proto_upper(uint8_t protocol) {
    switch (protocol) {
        case traffic::ip_proto::kTcp: return "TCP";
        case traffic::ip_proto::kUdp: return "UDP";
        default: return "ICMP";
    }
}

}  // namespace

const char* traffic_severity(double p) {
    if (p >= 0.8) return "high";
    if (p >= 0.5) return "medium";
    if (p >= 0.3) return "low";
    return "info";
}

void append_flow_json(std::string& out, const traffic::ScoredConnection& scored, bool features) {
    const auto& c = scored.flow.connection;
    api::JsonWriter w(out);
    w.begin_object();
    w.field("timestamp", iso_timestamp(c.first_us));
    w.field("event_type", "flow");
    w.field("flow_id", static_cast<uint64_t>(c.id));
    w.field("src_ip", c.orig.to_string());
    if (c.protocol == traffic::ip_proto::kIcmp) {
        w.field("icmp_type", static_cast<unsigned>(c.resp_port));
    } else {
        w.field("src_port", static_cast<unsigned>(c.orig_port));
    }
    w.field("dest_ip", c.resp.to_string());
    if (c.protocol != traffic::ip_proto::kIcmp) w.field("dest_port", static_cast<unsigned>(c.resp_port));
    w.field("proto", proto_upper(c.protocol));
    w.field("app_proto", scored.flow.service);
    w.key("flow").begin_object();
    w.field("pkts_toserver", static_cast<uint64_t>(c.orig_packets));
    w.field("pkts_toclient", static_cast<uint64_t>(c.resp_packets));
    w.field("bytes_toserver", static_cast<uint64_t>(c.orig_bytes));
    w.field("bytes_toclient", static_cast<uint64_t>(c.resp_bytes));
    w.field("start", iso_timestamp(c.first_us));
    w.field("end", iso_timestamp(c.last_us));
    w.field("age_s", static_cast<double>(c.last_us - c.first_us) / 1e6);
    w.field("state", scored.flow.flag);
    w.end_object();
    if (features) {
        w.key("features").begin_object();
        const auto& values = scored.flow.record.values;
        for (size_t i = 0; i < traffic::kNslKddFeatureNames.size() && i < values.size(); ++i) {
            w.key(traffic::kNslKddFeatureNames[i]);
            if (i >= 1 && i <= 3) {
                w.value(values[i].text);
            } else {
                w.value(values[i].number);
            }
        }
        w.end_object();
    }
    if (scored.verdict != nullptr) {
        const auto& v = *scored.verdict;
        w.key("verdict").begin_object();
        w.field("prediction", v.attack ? "attack" : "normal");
        w.field("family", v.family);
        w.field("probability", v.probability);
        w.field("severity", v.attack ? traffic_severity(v.probability) : "info");
        w.key("reasons").begin_array();
        for (const auto& r : v.reasons) {
            w.begin_object().field("name", r.name).field("value", r.value).field("contribution", r.contribution);
            w.end_object();
        }
        w.end_array();
        w.key("model").begin_object().field("name", v.model_name).field("version", v.model_version).end_object();
        w.end_object();
    } else if (scored.score_error != nullptr) {
        w.field("error", *scored.score_error);
    }
    w.end_object();
}

void append_summary_json(std::string& out, const traffic::CaptureSummary& s, const std::string& file,
                         double took_ms) {
    api::JsonWriter w(out);
    w.begin_object();
    w.field("event_type", "summary");
    w.field("file", file);
    w.field("packets", s.packets);
    w.field("not_ip", s.not_ip);
    w.field("decode_errors", s.decode_errors);
    w.field("ignored", s.ignored);
    w.field("connections", s.connections);
    w.field("attacks", s.attacks);
    if (s.score_errors > 0) w.field("score_errors", s.score_errors);
    w.key("attacks_by_family").begin_object();
    for (const auto& [family, n] : s.attacks_by_family) w.field(family, n);
    w.end_object();
    w.key("connections_by_state").begin_object();
    for (const auto& [flag, n] : s.connections_by_flag) w.field(flag, n);
    w.end_object();
    w.field("capture_seconds", static_cast<double>(s.last_us - s.first_us) / 1e6);
    w.field("took_ms", took_ms);
    w.end_object();
}

}  // namespace vigil::cli
