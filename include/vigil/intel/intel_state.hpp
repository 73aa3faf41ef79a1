#pragma once
// The live threat-intel state of a server: the entries of every source, and the current immutable
// ThreatIndex built from them. Readers take a snapshot (one atomic load, never blocked by a refresh);
// a refresh builds a new index off to the side and swaps it in. Recent indexes are kept so that
// hash-list clients can get a diff from their state.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vigil/intel/threat_index.hpp"

namespace vigil::intel {

// The outcome of the last refresh of a source.
struct RefreshStatus {
    int64_t time_ms = 0;  // 0 = never refreshed
    bool ok = true;
    std::string error;
    size_t records = 0, malformed = 0, skipped = 0, invalid_urls = 0, duplicates = 0;
    size_t added = 0, removed = 0;
};

struct SourceInfo {
    std::string name;
    std::string format;    // "phishtank", ... ("" when loaded from the database only)
    std::string location;  // file path or URL
    size_t entries = 0;
    RefreshStatus last_refresh;
};

struct IntelStats {
    std::vector<SourceInfo> sources;
    size_t index_listings = 0;
    size_t index_prefixes = 0;
    size_t index_memory_bytes = 0;
    uint64_t index_version = 0;
    int64_t index_built_ms = 0;
    uint64_t swaps = 0;
};

class IntelState {
public:
    // history: how many earlier indexes are kept for diffs.
    explicit IntelState(size_t history = 8);

    // The current index (never null; empty before the first load).
    std::shared_ptr<const ThreatIndex> snapshot() const { return current_.load(std::memory_order_acquire); }
    // An index still kept with this version, or nullptr.
    std::shared_ptr<const ThreatIndex> find_version(uint64_t version) const;

    // Replaces a source's entries with a new snapshot of the feed: entries it no longer lists are removed,
    // first_seen is kept for those it still lists. status carries the parse counts; added/removed are filled.
    // Rebuilds and swaps the index. Returns the entries as merged (for persistence).
    std::vector<FeedEntry> replace_source(const std::string& name, const std::string& format,
                                          const std::string& location, std::vector<FeedEntry> fresh,
                                          RefreshStatus status);
    // Loads stored entries (start-up), without counting as a refresh. Rebuilds the index.
    void load_source(const std::string& name, std::vector<FeedEntry> entries);
    // Declares a configured source before its first refresh (shows in stats).
    void declare_source(const std::string& name, const std::string& format, const std::string& location);
    // The last refresh as stored by an earlier process (start-up), shown until this process refreshes.
    void restore_status(const std::string& name, RefreshStatus status);
    // A failed refresh keeps the previous entries.
    void record_failure(const std::string& name, int64_t time_ms, std::string error);

    IntelStats stats() const;

private:
    struct Source {
        SourceInfo info;
        std::vector<FeedEntry> entries;
    };
    Source& source_locked(const std::string& name);
    void rebuild_locked();

    mutable std::mutex mutex_;  // writers and history only; readers use current_
    std::vector<Source> sources_;
    std::vector<std::shared_ptr<const ThreatIndex>> history_;  // oldest first, includes current
    size_t history_limit_;
    uint64_t next_version_ = 1;
    int64_t built_ms_ = 0;
    uint64_t swaps_ = 0;
    std::atomic<std::shared_ptr<const ThreatIndex>> current_;
};

int64_t unix_now_ms();

}  // namespace vigil::intel
