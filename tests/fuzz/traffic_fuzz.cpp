// Fuzzing of the traffic-side parsers of outside input: the first byte picks the target, the rest
// is the input. 'n' NSL-KDD file, 'u' UNSW-NB15 CSV, 'c' generic CSV (label column "label"),
// 'm' metadata.json of a model artifact (its other files: a 2-feature linear model), 'l'
// linear.json, 'p' mlp.json, 'x' preprocess JSON against the NSL-KDD schema. None may crash,
// hang or read out of bounds; errors must come back as values.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "vigil/traffic/artifact.hpp"
#include "vigil/traffic/dataset.hpp"
#include "vigil/traffic/preprocess.hpp"

namespace {

std::filesystem::path temp_file() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("vigil-traffic-fuzz-" + std::to_string(::getpid()) + ".txt");
    return path;
}

void load_file(char mode, std::string_view body) {
    {
        std::ofstream out(temp_file(), std::ios::binary | std::ios::trunc);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
    }
    using namespace vigil::traffic;
    vigil::Result<TrafficData> d = mode == 'n' ? load_nsl_kdd(temp_file())
                          : mode == 'u' ? load_unsw_nb15(temp_file())
                                        : load_traffic_csv(temp_file(), {.label_column = "label"});
    if (d) {
        // Whatever loaded must survive preprocessing and a split.
        auto p = Preprocessor::fit(*d, {});
        if (p) (void)p->encode_all(*d);
        (void)stratified_split(*d, 0.2, 1);
    }
    std::error_code ec;
    std::filesystem::remove(temp_file(), ec);
}

}  // namespace


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const char mode = static_cast<char>(data[0]);
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    using namespace vigil::traffic;
    switch (mode) {
        case 'n':
        case 'u':
        case 'c': load_file(mode, body); break;
        case 'm':
        case 'l':
        case 'p': {
            const std::string linear = R"({"heads":[{"w":[1,2],"b":0,"platt_a":1,"platt_b":0}]})";
            const FileReader reader = [&](std::string_view name) -> vigil::Result<std::string> {
                if (name == "metadata.json") return std::string(mode == 'm' ? body : std::string_view("{}"));
                if (name == "linear.json") return mode == 'l' ? std::string(body) : linear;
                if (name == "mlp.json") return std::string(body);
                return vigil::make_error(vigil::ErrorCode::kNotFound, std::string(name));
            };
            if (mode == 'm') {
                auto a = artifact_from_files(reader);
                if (a) {
                    std::vector<float> x(a->preprocessor.num_features(), 0.5f);
                    (void)a->predict(x);
                }
            } else {
                const ScorerShape shape{2, 0, {0.0f, 0.0f}, {1.0f, 1.0f}};
                auto s = make_scorer(mode == 'l' ? "svm" : "nn", reader, shape);
                if (s) {
                    const float x[2] = {1.0f, -1.0f};
                    float c[2];
                    (void)(*s)->attack_probability(x);
                    (*s)->contributions(x, c);
                }
            }
            break;
        }
        case 'x': (void)Preprocessor::from_json(body, nsl_kdd_schema()); break;
        default: break;
    }
    return 0;
}
