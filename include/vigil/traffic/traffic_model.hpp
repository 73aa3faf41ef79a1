#pragma once
// A trained traffic model as served: preprocessing + binary head (normal/attack) + family head
// (normal, DoS, Probe, R2L, U2R), loaded from an artifact directory written by `vigil train traffic`.
// Pure CPU, thread-safe for concurrent score() calls. Owner: traffic-ml.
#include <memory>
#include <string>
#include <vector>
#include <filesystem>

#include "vigil/core/result.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

struct Contribution {
    std::string name;          // feature name after preprocessing ("service=http", "log_src_bytes")
    double value = 0;          // the feature's value
    double contribution = 0;   // margin-space contribution; positive pushes towards "attack"
};

struct TrafficVerdict {
    bool attack = false;               // probability >= the model's threshold
    std::string family;                // "normal", "DoS", "Probe", "R2L", "U2R"
    double probability = 0;            // P(attack), 0..1
    std::vector<Contribution> reasons; // top contributions, largest |contribution| first
    std::string model_name;
    std::string model_version;
};

class TrafficModel {
public:
    virtual ~TrafficModel() = default;
    // Fields a record must carry (by name); records from the API are validated against this.
    virtual const Schema& input_schema() const = 0;
    // kInvalidArgument names the offending field when a value has the wrong kind.
    virtual Result<TrafficVerdict> score(const Record& record) const = 0;
    virtual const std::string& name() const = 0;
    virtual const std::string& version() const = 0;
};

// Loads DIR/metadata.json and the model files it names; refuses an unknown format with a clear message.
Result<std::unique_ptr<TrafficModel>> load_traffic_model(const std::filesystem::path& dir);

}  // namespace vigil::traffic
