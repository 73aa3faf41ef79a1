#pragma once
// A test-only TrafficModel over a five-field schema: P(attack) = min(src_bytes / 1000, 1), family "DoS" for
// attacks; protocol_type "bogus" is refused as the real model refuses an unknown kind.
#include <algorithm>
#include <string>

#include "vigil/traffic/traffic_model.hpp"

namespace vigil::api::testing {

class FakeTrafficModel : public traffic::TrafficModel {
public:
    FakeTrafficModel() {
        using traffic::FieldKind;
        schema_.fields = {{"duration", FieldKind::kNumeric},
                          {"protocol_type", FieldKind::kCategorical},
                          {"service", FieldKind::kCategorical},
                          {"src_bytes", FieldKind::kNumeric},
                          {"dst_bytes", FieldKind::kNumeric}};
    }
    const traffic::Schema& input_schema() const override { return schema_; }
    Result<traffic::TrafficVerdict> score(const traffic::Record& r) const override {
        if (r.values.size() != schema_.fields.size()) return make_error(ErrorCode::kInvalidArgument, "bad width");
        if (r.values[1].text == "bogus") {
            return make_error(ErrorCode::kInvalidArgument, "field 'protocol_type': unknown value 'bogus'");
        }
        traffic::TrafficVerdict v;
        v.probability = std::clamp(r.values[3].number / 1000.0, 0.0, 1.0);
        v.attack = v.probability >= 0.5;
        v.family = v.attack ? "DoS" : "normal";
        v.reasons = {{"log_src_bytes", r.values[3].number, v.probability - 0.5}};
        v.model_name = name_;
        v.model_version = version_;
        return v;
    }
    const std::string& name() const override { return name_; }
    const std::string& version() const override { return version_; }

private:
    traffic::Schema schema_;
    std::string name_ = "fake-traffic";
    std::string version_ = "test-1";
};

// A JSON record for the fake schema.
inline std::string fake_record_json(double src_bytes, std::string_view protocol = "tcp") {
    return R"({"duration":0,"protocol_type":")" + std::string(protocol) + R"(","service":"http","src_bytes":)" +
           std::to_string(src_bytes) + R"(,"dst_bytes":10})";
}

}  // namespace vigil::api::testing
