#include "vigil/intel/intel_state.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace vigil::intel {

int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {

struct DigestHash {
    size_t operator()(const url::Sha256Digest& d) const noexcept {
        size_t h = 0;
        for (int i = 0; i < 8; ++i) h = (h << 8) | d[static_cast<size_t>(i)];
        return h;
    }
};

}  // namespace

IntelState::IntelState(size_t history) : history_limit_(std::max<size_t>(1, history)) {
    current_.store(ThreatIndex::build({}, 0), std::memory_order_release);
    history_.push_back(current_.load());
}

std::shared_ptr<const ThreatIndex> IntelState::find_version(uint64_t version) const {
    std::lock_guard lock(mutex_);
    for (const auto& idx : history_) {
        if (idx->version() == version) return idx;
    }
    return nullptr;
}

IntelState::Source& IntelState::source_locked(const std::string& name) {
    for (Source& s : sources_) {
        if (s.info.name == name) return s;
    }
    sources_.push_back(Source{});
    sources_.back().info.name = name;
    return sources_.back();
}

void IntelState::declare_source(const std::string& name, const std::string& format, const std::string& location) {
    std::lock_guard lock(mutex_);
    Source& s = source_locked(name);
    s.info.format = format;
    s.info.location = location;
}

std::vector<FeedEntry> IntelState::replace_source(const std::string& name, const std::string& format,
                                                  const std::string& location, std::vector<FeedEntry> fresh,
                                                  RefreshStatus status) {
    std::lock_guard lock(mutex_);
    Source& s = source_locked(name);
    std::unordered_map<url::Sha256Digest, int64_t, DigestHash> first_seen;
    first_seen.reserve(s.entries.size());
    for (const FeedEntry& e : s.entries) first_seen.emplace(e.hash, e.first_seen_ms);
    size_t kept = 0;
    for (FeedEntry& e : fresh) {
        if (auto it = first_seen.find(e.hash); it != first_seen.end()) {
            e.first_seen_ms = std::min(e.first_seen_ms, it->second);
            ++kept;
        }
    }
    status.added = fresh.size() - kept;
    status.removed = s.entries.size() - kept;
    s.entries = std::move(fresh);
    if (!format.empty()) s.info.format = format;
    if (!location.empty()) s.info.location = location;
    s.info.entries = s.entries.size();
    s.info.last_refresh = std::move(status);
    rebuild_locked();
    return s.entries;
}

void IntelState::load_source(const std::string& name, std::vector<FeedEntry> entries) {
    std::lock_guard lock(mutex_);
    Source& s = source_locked(name);
    s.entries = std::move(entries);
    s.info.entries = s.entries.size();
    rebuild_locked();
}

void IntelState::restore_status(const std::string& name, RefreshStatus status) {
    std::lock_guard lock(mutex_);
    source_locked(name).info.last_refresh = std::move(status);
}

void IntelState::record_failure(const std::string& name, int64_t time_ms, std::string error) {
    std::lock_guard lock(mutex_);
    Source& s = source_locked(name);
    s.info.last_refresh.time_ms = time_ms;
    s.info.last_refresh.ok = false;
    s.info.last_refresh.error = std::move(error);
}

void IntelState::rebuild_locked() {
    std::vector<ThreatIndex::SourceEntries> parts;
    parts.reserve(sources_.size());
    for (const Source& s : sources_) parts.push_back({s.info.name, s.entries});
    auto index = ThreatIndex::build(parts, next_version_++);
    history_.push_back(index);
    if (history_.size() > history_limit_) history_.erase(history_.begin());
    built_ms_ = unix_now_ms();
    ++swaps_;
    current_.store(std::move(index), std::memory_order_release);
}

IntelStats IntelState::stats() const {
    IntelStats out;
    const auto index = snapshot();
    std::lock_guard lock(mutex_);
    for (const Source& s : sources_) out.sources.push_back(s.info);
    out.index_listings = index->size();
    out.index_prefixes = index->prefixes().size();
    out.index_memory_bytes = index->memory_bytes();
    out.index_version = index->version();
    out.index_built_ms = built_ms_;
    out.swaps = swaps_;
    return out;
}

}  // namespace vigil::intel
