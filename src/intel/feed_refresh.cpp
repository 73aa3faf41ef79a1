#include "vigil/intel/feed_refresh.hpp"

#include <iostream>

#include "vigil/core/text_file.hpp"
#include "vigil/intel/feed_store.hpp"

namespace vigil::intel {

bool valid_source_name(std::string_view name) {
    if (name.empty() || name.size() > 32) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}

Result<FeedSpec> parse_feed_spec(std::string_view spec) {
    const auto bad = [&](std::string_view why) {
        return make_error(ErrorCode::kInvalidArgument,
                          "feed '" + std::string(spec) + "': " + std::string(why) + " (expected NAME=FORMAT:LOCATION)");
    };
    const size_t eq = spec.find('=');
    if (eq == std::string_view::npos) return bad("no '='");
    const size_t colon = spec.find(':', eq + 1);
    if (colon == std::string_view::npos) return bad("no ':' after the format");
    FeedSpec out;
    out.name = std::string(spec.substr(0, eq));
    if (!valid_source_name(out.name)) return bad("NAME must be 1-32 characters of a-z, 0-9, '_' and '-'");
    auto format = feed_format_from_string(spec.substr(eq + 1, colon - eq - 1));
    if (!format) return bad(format.error().message);
    out.format = *format;
    out.location = std::string(spec.substr(colon + 1));
    if (out.location.empty()) return bad("empty LOCATION");
    return out;
}

Result<std::vector<FeedSpec>> parse_feed_specs(std::string_view specs) {
    std::vector<FeedSpec> out;
    size_t i = 0;
    while (i < specs.size()) {
        while (i < specs.size() && (specs[i] == ' ' || specs[i] == '\t' || specs[i] == '\n' || specs[i] == '\r')) ++i;
        size_t j = i;
        while (j < specs.size() && !(specs[j] == ' ' || specs[j] == '\t' || specs[j] == '\n' || specs[j] == '\r')) ++j;
        if (j > i) {
            auto spec = parse_feed_spec(specs.substr(i, j - i));
            if (!spec) return spec.error();
            for (const FeedSpec& f : out) {
                if (f.name == spec->name) {
                    return make_error(ErrorCode::kInvalidArgument, "feed name '" + f.name + "' is used twice");
                }
            }
            out.push_back(std::move(*spec));
        }
        i = j;
    }
    return out;
}

Result<std::string> fetch_feed_text(const std::string& location, const HttpClientOptions& http) {
    if (location.starts_with("http://") || location.starts_with("https://")) {
        auto reply = http_request("GET", location, {}, {}, http);
        if (!reply) return reply.error();
        if (reply->status != 200) {
            return make_error(ErrorCode::kIo, location + " answered HTTP " + std::to_string(reply->status));
        }
        return std::move(reply->body);
    }
    std::string path = location;
    if (path.starts_with("file://")) path = path.substr(7);
    return read_file(path);
}

Result<RefreshStatus> apply_feed_text(const FeedSpec& spec, std::string_view text, IntelState& state,
                                      store::Database* db, int64_t now_ms) {
    auto parsed = parse_feed(text, spec.format);
    if (!parsed) return parsed.error();
    EntryBuild built = build_entries(parsed->items, now_ms);
    RefreshStatus status;
    status.time_ms = now_ms;
    status.records = parsed->records;
    status.malformed = parsed->malformed;
    status.skipped = parsed->skipped;
    status.invalid_urls = built.invalid_urls;
    status.duplicates = built.duplicates;
    if (built.entries.empty()) {
        for (const SourceInfo& s : state.stats().sources) {
            if (s.name == spec.name && s.entries > 0) {
                return make_error(ErrorCode::kFormat, "feed has no valid entry (" + std::to_string(status.records) +
                                                          " records, " + std::to_string(status.malformed) +
                                                          " malformed); keeping the previous entries");
            }
        }
    }
    std::vector<FeedEntry> entries = std::move(built.entries);
    if (db != nullptr) {
        auto stored = store_source(*db, spec.name, std::string(to_string(spec.format)), spec.location,
                                   std::move(entries), status);
        if (!stored) return stored.error();
        entries = std::move(*stored);
    }
    state.replace_source(spec.name, std::string(to_string(spec.format)), spec.location,
                                       std::move(entries), status);
    for (const SourceInfo& s : state.stats().sources) {
        if (s.name == spec.name) return s.last_refresh;
    }
    return status;
}

Result<RefreshStatus> refresh_feed(const FeedSpec& spec, IntelState& state, store::Database* db,
                                   const HttpClientOptions& http) {
    const int64_t now = unix_now_ms();
    auto text = fetch_feed_text(spec.location, http);
    Result<RefreshStatus> result = text ? apply_feed_text(spec, *text, state, db, now) : Result<RefreshStatus>(text.error());
    if (!result) state.record_failure(spec.name, now, result.error().message);
    return result;
}

Status load_stored_feeds(store::Database& db, IntelState& state) {
    auto sources = load_stored_sources(db);
    if (!sources) return sources.error();
    for (StoredSource& s : *sources) {
        state.declare_source(s.name, s.format, s.location);
        state.load_source(s.name, std::move(s.entries));
        state.restore_status(s.name, std::move(s.last_refresh));
    }
    return Status::success();
}

FeedRefresher::FeedRefresher(std::vector<FeedSpec> feeds, IntelState& state, std::filesystem::path db_path,
                             std::chrono::seconds interval, HttpClientOptions http)
    : feeds_(std::move(feeds)), state_(state), db_path_(std::move(db_path)), interval_(interval), http_(http) {
    for (const FeedSpec& f : feeds_) state_.declare_source(f.name, std::string(to_string(f.format)), f.location);
}

FeedRefresher::~FeedRefresher() { stop(); }

void FeedRefresher::start() {
    if (feeds_.empty() || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void FeedRefresher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FeedRefresher::run() {
    // Nothing may escape a thread: every failure becomes the source's refresh status.
    auto db = store::Database::open(db_path_);
    if (!db) std::cerr << "vigil: intel refresher cannot open " << db_path_ << ": " << db.error().message << "\n";
    store::Database* dbp = db ? &*db : nullptr;
    while (true) {
        for (const FeedSpec& f : feeds_) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
            try {
                auto r = refresh_feed(f, state_, dbp, http_);
                if (!r) std::cerr << "vigil: feed " << f.name << ": " << r.error().message << "\n";
            } catch (const std::exception& e) {
                state_.record_failure(f.name, unix_now_ms(), e.what());
            }
        }
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
}

}  // namespace vigil::intel
