#pragma once
#include <filesystem>

namespace vigil {

// Where ../shared/data lives: $VIGIL_DATA_DIR, else <source_root>/../shared/data.
std::filesystem::path data_dir(const std::filesystem::path& source_root);

}  // namespace vigil
