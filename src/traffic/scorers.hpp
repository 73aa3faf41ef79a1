#pragma once
// Scorer factories per algorithm (see vigil/traffic/scorer.hpp).
#include <memory>
#include <string>

#include "vigil/traffic/scorer.hpp"

namespace vigil::traffic::detail {

std::string family_model_file(size_t k);  // "family-<k>.json"
// exact_shap: TreeSHAP explanations, else path attribution.
Result<std::unique_ptr<Scorer>> make_forest_scorer(const FileReader& read, const ScorerShape& shape, bool exact_shap);
Result<std::unique_ptr<Scorer>> make_linear_scorer(const FileReader& read, const ScorerShape& shape);
Result<std::unique_ptr<Scorer>> make_mlp_scorer(const FileReader& read, const ScorerShape& shape);

}  // namespace vigil::traffic::detail
