#pragma once
// The url_checks write path: a WriteQueue whose writer thread owns a Database.
#include <memory>

#include "vigil/store/database.hpp"
#include "vigil/store/write_queue.hpp"

namespace vigil::store {

using UrlCheckQueue = WriteQueue<UrlCheckRow>;

// The queue takes the database so that its writer thread is the connection's only user.
std::unique_ptr<UrlCheckQueue> make_url_check_queue(Database db, WriteQueueOptions options = {});

}  // namespace vigil::store
