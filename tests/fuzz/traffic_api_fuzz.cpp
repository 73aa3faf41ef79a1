// Fuzz target for the traffic API's parsers of outside input: a connection record as JSON or as a CSV body
// (header + rows) against a small schema, and the GET /api/v1/alerts query string. Whatever the bytes, nothing
// may crash, and an accepted record must satisfy the schema (right width, finite numbers, valid categories).
// The first byte picks the mode. Replayed in CTest over corpus/traffic_api/ (see replay_main.cpp).
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "vigil/api/traffic_record_parser.hpp"
#include "vigil/api/traffic_routes.hpp"
#include "vigil/core/text_file.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
}

const vigil::traffic::Schema& schema() {
    using vigil::traffic::FieldKind;
    static const vigil::traffic::Schema s{{{"duration", FieldKind::kNumeric},
                                           {"protocol_type", FieldKind::kCategorical},
                                           {"service", FieldKind::kCategorical},
                                           {"flag", FieldKind::kCategorical},
                                           {"src_bytes", FieldKind::kNumeric},
                                           {"dst_bytes", FieldKind::kNumeric}}};
    return s;
}

void check_record(const vigil::traffic::Record& r) {
    const auto& fields = schema().fields;
    if (r.values.size() != fields.size()) fail("record width differs from the schema");
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].kind == vigil::traffic::FieldKind::kCategorical) {
            if (!vigil::api::valid_categorical(r.values[i].text)) fail("invalid categorical value accepted");
        } else if (!std::isfinite(r.values[i].number)) {
            fail("non-finite number accepted");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    static const vigil::api::TrafficRecordParser parser(schema());
    vigil::traffic::Record record;
    vigil::api::RecordProblem problem;
    switch (data[0] % 3) {
        case 0: {
            boost::json::parse_options opts;
            opts.max_depth = 4;
            boost::json::error_code ec;
            auto v = boost::json::parse(input, ec, {}, opts);
            if (ec || !v.is_object()) return 0;
            if (parser.from_json(v.get_object(), record, problem)) {
                check_record(record);
            } else if (problem.detail.empty()) {
                fail("rejected record without a detail");
            }
            break;
        }
        case 1: {
            vigil::CsvReader reader(input);
            std::vector<std::string> row;
            if (!reader.next(row)) return 0;
            auto binding = parser.bind_csv_header(row);
            if (!binding.ok()) return 0;
            for (int n = 0; n < 1000 && reader.next(row); ++n) {
                if (parser.from_csv(row, *binding, record, problem)) {
                    check_record(record);
                } else if (problem.detail.empty()) {
                    fail("rejected row without a detail");
                }
            }
            break;
        }
        default: {
            auto q = vigil::api::parse_alert_query(input);
            if (q.ok()) {
                if (q->limit < 1 || q->limit > 1000) fail("limit out of range accepted");
                if (q->since_ms && q->until_ms && *q->since_ms >= *q->until_ms) fail("empty time range accepted");
            } else if (q.error().message.empty()) {
                fail("rejected query without a message");
            }
            break;
        }
    }
    return 0;
}
