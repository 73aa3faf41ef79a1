#include "vigil/store/url_check_queue.hpp"

namespace vigil::store {

std::unique_ptr<UrlCheckQueue> make_url_check_queue(Database db, WriteQueueOptions options) {
    if (options.name == WriteQueueOptions{}.name) options.name = "url_checks queue";
    // std::function needs a copyable callable, hence the shared_ptr around the move-only Database.
    auto shared = std::make_shared<Database>(std::move(db));
    return std::make_unique<UrlCheckQueue>(
        [shared](std::span<const UrlCheckRow> rows) { return shared->insert_url_checks(rows); },
        std::move(options));
}

}  // namespace vigil::store
