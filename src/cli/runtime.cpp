#include "vigil/cli/runtime.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <system_error>

#include "vigil/ml/url_dataset.hpp"

namespace vigil::cli {

std::filesystem::path install_root() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return std::filesystem::current_path();
    // build/vigil or build-asan/vigil -> repository root.
    return exe.parent_path().parent_path();
}

std::filesystem::path default_data_dir() {
    if (const char* env = std::getenv("VIGIL_DATA_DIR"); env != nullptr && *env != '\0') return env;
    return (install_root() / ".." / "shared" / "data").lexically_normal();
}

namespace {

// Brand features depend on the list: a model trained with another list still loads, but its
// scores shift, so say so (the model records the list's sha256).
void warn_if_brand_list_differs(const ml::ModelArtifact& model, const std::filesystem::path& brands_file) {
    boost::json::error_code ec;
    auto meta = boost::json::parse(model.metadata_json, ec);
    if (ec || !meta.is_object()) return;
    const auto* list = meta.as_object().if_contains("brand_list");
    const auto* recorded = list != nullptr && list->is_object() ? list->as_object().if_contains("sha256") : nullptr;
    if (recorded == nullptr || !recorded->is_string()) return;
    auto actual = ml::sha256_file(brands_file);
    if (actual && *actual != recorded->as_string()) {
        std::cerr << "vigil: warning: brand list " << brands_file.string() << " (sha256 " << *actual
                  << ") differs from the one model " << model.name << " was trained with (sha256 "
                  << recorded->as_string().c_str() << "); brand features and scores will differ\n";
    }
}

}  // namespace

Result<std::unique_ptr<UrlRuntime>> load_url_runtime(const std::filesystem::path& model_dir,
                                                     const std::filesystem::path& brands_path) {
    auto psl = domain::PublicSuffixList::load_default();
    if (!psl) return psl.error();
    std::filesystem::path brands_file =
        brands_path.empty() ? default_data_dir() / "domains" / "top-10000.csv.gz" : brands_path;
    auto brands = domain::BrandList::load(brands_file);
    if (!brands) {
        return make_error(brands.error().code,
                          "cannot load the popular-domain list the URL features need (" + brands.error().message +
                              "); set VIGIL_DATA_DIR or --brands");
    }
    // A relative model path that does not exist here is looked up in this installation
    // (build/vigil -> <root>/models/url), so the binary works from any directory.
    std::filesystem::path model_path = model_dir;
    std::error_code ec;
    if (model_path.is_relative() && !std::filesystem::exists(model_path, ec)) model_path = install_root() / model_dir;
    auto model = ml::load_artifact(model_path);
    if (!model) return model.error();
    warn_if_brand_list_differs(*model, brands_file);
    return std::make_unique<UrlRuntime>(UrlRuntime{std::move(*psl), std::move(*brands), std::move(*model)});
}

}  // namespace vigil::cli
