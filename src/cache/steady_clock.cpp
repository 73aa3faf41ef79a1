#include "vigil/cache/sharded_lru_cache.hpp"

namespace vigil::cache {

int64_t steady_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace vigil::cache
