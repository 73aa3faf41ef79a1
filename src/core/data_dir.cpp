#include "vigil/core/data_dir.hpp"

#include <cstdlib>

namespace vigil {

std::filesystem::path data_dir(const std::filesystem::path& source_root) {
    if (const char* env = std::getenv("VIGIL_DATA_DIR"); env != nullptr && *env != '\0') return env;
    return source_root / ".." / "shared" / "data";
}

}  // namespace vigil
