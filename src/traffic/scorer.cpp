#include "scorers.hpp"

namespace vigil::traffic {

Result<std::unique_ptr<Scorer>> make_scorer(std::string_view algorithm, const FileReader& read, const ScorerShape& shape) {
    if (algorithm == "gb" || algorithm == "rf") return detail::make_forest_scorer(read, shape, algorithm == "gb");
    if (algorithm == "svm") return detail::make_linear_scorer(read, shape);
    if (algorithm == "nn") return detail::make_mlp_scorer(read, shape);
    return make_error(ErrorCode::kFormat, "unknown traffic model algorithm '" + std::string(algorithm) +
                                              "' (gb, rf, svm, nn)");
}

}  // namespace vigil::traffic
