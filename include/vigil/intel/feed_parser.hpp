#pragma once
// Threat-feed formats: PhishTank (CSV and JSON dumps), OpenPhish (one URL per line), URLhaus (CSV with '#'
// comments) and plain URL lists. A parser only splits records; canonicalisation happens when entries are
// built (feed_entries.hpp). A malformed record is counted, never fatal.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::intel {

enum class FeedFormat : uint8_t { kPhishTank, kOpenPhish, kUrlhaus, kPlain };
enum class ThreatType : uint8_t { kPhishing, kMalware };

std::string_view to_string(FeedFormat f);
std::string_view to_string(ThreatType t);
// "phishtank" | "openphish" | "urlhaus" | "plain".
Result<FeedFormat> feed_format_from_string(std::string_view name);

struct FeedItem {
    std::string url;
    ThreatType threat = ThreatType::kPhishing;
};

struct ParsedFeed {
    std::vector<FeedItem> items;
    size_t records = 0;    // data records seen (not comments or blank lines)
    size_t malformed = 0;  // records that could not be read (wrong field count, empty URL, bad JSON entry)
    size_t skipped = 0;    // well-formed records a feed marks as not active (unverified, offline)
    std::vector<std::string> errors;  // the first few malformed records, for messages
};

// Never fails on record-level problems; fails (kFormat) only when the whole input is unusable, e.g. a
// PhishTank JSON dump that is not a JSON array or a CSV without a url column.
Result<ParsedFeed> parse_feed(std::string_view text, FeedFormat format);

}  // namespace vigil::intel
