#pragma once
// What `serve` and `check` both need at run time: the public suffix list, the brand list and
// the URL model artifact, loaded once and owned together.
#include <filesystem>
#include <memory>
#include <string>

#include "vigil/core/result.hpp"
#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/public_suffix.hpp"
#include "vigil/ml/artifact.hpp"

namespace vigil::cli {

struct UrlRuntime {
    domain::PublicSuffixList psl;
    domain::BrandList brands;
    ml::ModelArtifact model;
};

// The repository root of the running binary (build/vigil -> ..), for default data paths.
std::filesystem::path install_root();
// $VIGIL_DATA_DIR, else <install root>/../shared/data.
std::filesystem::path default_data_dir();

// Loads everything; `brands_path` empty = <data dir>/domains/top-10000.csv.gz.
Result<std::unique_ptr<UrlRuntime>> load_url_runtime(const std::filesystem::path& model_dir,
                                                     const std::filesystem::path& brands_path);

}  // namespace vigil::cli
