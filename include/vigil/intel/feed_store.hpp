#pragma once
// Feed entries in SQLite (tables intel_entries and intel_sources, migration 3), so that `vigil serve`
// starts with what `vigil intel import` or an earlier refresh stored.
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/intel/intel_state.hpp"
#include "vigil/store/database.hpp"

namespace vigil::intel {

struct StoredSource {
    std::string name;
    std::string format;
    std::string location;
    std::vector<FeedEntry> entries;
    RefreshStatus last_refresh;  // time, ok and error as stored (counts are not stored)
};

// Replaces the source's entries with `entries` in one transaction: entries still listed keep their stored
// first_seen (the smaller of both wins), the others are deleted. Returns the entries with first_seen as stored.
Result<std::vector<FeedEntry>> store_source(store::Database& db, const std::string& name, const std::string& format,
                                            const std::string& location, std::vector<FeedEntry> entries,
                                            const RefreshStatus& status);
Result<std::vector<StoredSource>> load_stored_sources(store::Database& db);

}  // namespace vigil::intel
