#pragma once
// Configured feeds ("phishtank=phishtank:/var/feeds/verified_online.csv.gz",
// "urlhaus=urlhaus:https://host/csv_online/"), one refresh of a feed (fetch, parse, build entries, swap the
// index, store), and a background thread that refreshes every feed periodically.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/intel/feed_parser.hpp"
#include "vigil/intel/http_client.hpp"
#include "vigil/intel/intel_state.hpp"
#include "vigil/store/database.hpp"

namespace vigil::intel {

struct FeedSpec {
    std::string name;      // source name in verdict reasons: "feed:<name>"
    FeedFormat format = FeedFormat::kPlain;
    std::string location;  // file path (plain or .gz) or http(s):// URL

    bool operator==(const FeedSpec&) const = default;
};

// "NAME=FORMAT:LOCATION". NAME: 1-32 of [a-z0-9_-].
Result<FeedSpec> parse_feed_spec(std::string_view spec);
// Specs separated by whitespace.
Result<std::vector<FeedSpec>> parse_feed_specs(std::string_view specs);
bool valid_source_name(std::string_view name);

// The feed's text: a file (gunzipped when it ends in .gz) or the body of a 200 response.
Result<std::string> fetch_feed_text(const std::string& location, const HttpClientOptions& http = {});

// Parses `text` and replaces the source in `state`; with `db`, also stores it (first_seen kept). A feed
// that yields no valid entry while the source had some is refused as a likely broken download.
Result<RefreshStatus> apply_feed_text(const FeedSpec& spec, std::string_view text, IntelState& state,
                                      store::Database* db, int64_t now_ms);
// fetch_feed_text + apply_feed_text; a failure is recorded in the state's status of the source.
Result<RefreshStatus> refresh_feed(const FeedSpec& spec, IntelState& state, store::Database* db,
                                   const HttpClientOptions& http = {});

// Loads every stored source into state (start-up).
Status load_stored_feeds(store::Database& db, IntelState& state);

// Refreshes every feed at start and then every `interval` on its own thread, with its own database
// connection (WAL lets it write while the server's writer writes).
class FeedRefresher {
public:
    FeedRefresher(std::vector<FeedSpec> feeds, IntelState& state, std::filesystem::path db_path,
                  std::chrono::seconds interval, HttpClientOptions http = {});
    ~FeedRefresher();
    FeedRefresher(const FeedRefresher&) = delete;
    FeedRefresher& operator=(const FeedRefresher&) = delete;

    void start();
    void stop();  // joins; safe to call twice

private:
    void run();
    std::vector<FeedSpec> feeds_;
    IntelState& state_;
    std::filesystem::path db_path_;
    std::chrono::seconds interval_;
    HttpClientOptions http_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vigil::intel
