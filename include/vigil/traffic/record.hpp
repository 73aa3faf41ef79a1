#pragma once
// A connection record: named fields in a schema's order, numeric or categorical.
// Loaders (NSL-KDD, UNSW-NB15, generic CSV), the HTTP API and the pcap flow builder all
// produce Records; a TrafficModel consumes them. Owner: traffic-ml.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::traffic {

enum class FieldKind : uint8_t { kNumeric, kCategorical };

struct Field {
    std::string name;
    FieldKind kind = FieldKind::kNumeric;
};

struct Schema {
    std::vector<Field> fields;
    std::optional<size_t> index_of(std::string_view name) const;
};

// NSL-KDD's 41 feature columns in file order (duration, protocol_type, service, flag, src_bytes, ...,
// dst_host_srv_rerror_rate); protocol_type, service and flag are categorical.
const Schema& nsl_kdd_schema();

struct FieldValue {
    double number = 0;   // numeric fields
    std::string text;    // categorical fields ("tcp", "http", "SF", ...)
};

// values[i] belongs to schema.fields[i].
struct Record {
    std::vector<FieldValue> values;
};

}  // namespace vigil::traffic
