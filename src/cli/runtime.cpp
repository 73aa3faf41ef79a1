#include "vigil/cli/runtime.hpp"

#include <cstdlib>
#include <system_error>

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
    return std::make_unique<UrlRuntime>(UrlRuntime{std::move(*psl), std::move(*brands), std::move(*model)});
}

}  // namespace vigil::cli
